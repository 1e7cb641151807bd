import { Button, Group, Modal, Text } from '@mantine/core';
import { useEffect, useState } from 'react';
import { useNavigate } from 'react-router-dom';

/**
 * Warns before unsaved changes are lost: the browser's own prompt on reload or closing the tab,
 * and a dialog when a link inside the app would leave the page. (The app uses BrowserRouter, so
 * react-router's useBlocker is not available; links are intercepted instead.)
 */
export function useUnsavedGuard(dirty: boolean) {
  const navigate = useNavigate();
  const [pending, setPending] = useState<string | null>(null);

  useEffect(() => {
    if (!dirty) return;
    const onBeforeUnload = (e: BeforeUnloadEvent) => {
      e.preventDefault();
      e.returnValue = '';
    };
    const onClick = (e: MouseEvent) => {
      if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey) return;
      const link = (e.target as Element | null)?.closest?.('a[href]');
      if (!(link instanceof HTMLAnchorElement) || link.target === '_blank') return;
      const url = new URL(link.href, window.location.href);
      if (url.origin !== window.location.origin || url.pathname === window.location.pathname)
        return;
      e.preventDefault();
      e.stopPropagation();
      setPending(url.pathname + url.search);
    };
    window.addEventListener('beforeunload', onBeforeUnload);
    document.addEventListener('click', onClick, true);
    return () => {
      window.removeEventListener('beforeunload', onBeforeUnload);
      document.removeEventListener('click', onClick, true);
    };
  }, [dirty]);

  const dialog = (
    <Modal opened={pending !== null} onClose={() => setPending(null)} title="Leave without saving?">
      <Text size="sm" mb="md">
        You have changes on this page that are not saved. If you leave now they are lost.
      </Text>
      <Group justify="flex-end">
        <Button variant="default" onClick={() => setPending(null)} data-autofocus>
          Stay on this page
        </Button>
        <Button
          color="red"
          onClick={() => {
            const to = pending;
            setPending(null);
            if (to) void navigate(to);
          }}
        >
          Leave and lose changes
        </Button>
      </Group>
    </Modal>
  );
  return dialog;
}
