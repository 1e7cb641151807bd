import { Navigate, useParams } from 'react-router-dom';
import { canReview, useSession } from '../auth/session';
import { routes } from '../common/routes';

/**
 * A queue's own address (/queues/<slug>, like the API's /v1/queues/<slug>) opens what the person
 * does with that queue: its review page (live counts and "Start reviewing", without claiming)
 * for whoever reviews, else its items. Replaces the entry, so Back leaves the queue.
 */
export function QueueRedirect() {
  const { slug = '' } = useParams();
  const { user } = useSession();
  return (
    <Navigate to={canReview(user) ? routes.review(slug) : routes.items({ queue: slug })} replace />
  );
}
