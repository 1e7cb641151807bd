import createDOMPurify from 'dompurify';
import { Marked } from 'marked';
import { useMemo } from 'react';

/**
 * The app's one markdown renderer, for everything people or models write: comments,
 * guidelines (and their preview) and model text. The text is untrusted, so:
 * - raw HTML in the source is shown as text, never parsed (DOMPurify would strip its handlers,
 *   but the browser still reports each one it meets while parsing as a CSP violation);
 * - images are not loaded (a picture from any host would tell that host who is reading, and a
 *   relative one would make the reader's browser call our API): an image becomes a link to it,
 *   named by its alt text, which the reader may choose to open;
 * - DOMPurify then has the last word: no script, styles, forms or frames, no style/class/id
 *   attributes, links only to http(s), mailto, this site or an anchor, and every link opens in
 *   a new tab without a handle on this one.
 */
const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const marked = new Marked({
  gfm: true,
  breaks: true,
  async: false,
  renderer: {
    html: ({ text }) => escapeHtml(text),
    image: ({ href, text }) =>
      `<a href="${escapeHtml(href)}">${escapeHtml(`image: ${text || href}`)}</a>`,
  },
});

// A private instance, so these rules never leak into another use of DOMPurify.
const purify = createDOMPurify(window);
purify.addHook('afterSanitizeAttributes', (node) => {
  if (node.tagName === 'A') {
    node.setAttribute('rel', 'noopener noreferrer');
    node.setAttribute('target', '_blank');
  }
});

export function renderMarkdown(source: string): string {
  const html = marked.parse(source) as string;
  return purify.sanitize(html, {
    USE_PROFILES: { html: true },
    FORBID_TAGS: ['img', 'style', 'form', 'input', 'button', 'textarea', 'select', 'iframe'],
    FORBID_ATTR: ['style', 'class', 'id'],
    ALLOWED_URI_REGEXP: /^(?:https?:|mailto:|\/|#)/i,
  });
}

/** Does this text use markdown at all? Plain prose is shown as it is, keeping its line breaks. */
export function looksLikeMarkdown(text: string): boolean {
  return /(^|\n)\s{0,3}(#{1,6}\s|[-*+]\s|\d+\.\s|>\s|```)|\*\*[^*]+\*\*|`[^`]+`|\[[^\]]+\]\([^)]+\)|(^|\n)\|.+\|/.test(
    text,
  );
}

export function Markdown({
  text,
  label,
  testId,
}: {
  text: string;
  label?: string;
  testId?: string;
}) {
  const html = useMemo(() => renderMarkdown(text), [text]);
  return (
    <div
      className="markdown"
      aria-label={label}
      data-testid={testId}
      // Sanitised by renderMarkdown (raw HTML escaped, then DOMPurify); never pass other HTML here.
      dangerouslySetInnerHTML={{ __html: html }}
    />
  );
}
