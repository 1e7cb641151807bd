import DOMPurify from 'dompurify';
import { Marked } from 'marked';
import { useMemo } from 'react';

/**
 * Pictures only from https: or inline data: images (a relative or http: source would make the
 * reviewer's browser call our API or leak over plain HTTP); links open in a new tab without
 * handing the opener over.
 */
DOMPurify.addHook('afterSanitizeAttributes', (node) => {
  if (
    node.tagName === 'IMG' &&
    !/^(https:|data:image\/(png|jpe?g|gif|webp);)/i.test(node.getAttribute('src') ?? '')
  )
    node.removeAttribute('src');
  if (node.tagName === 'A' && node.hasAttribute('href')) {
    node.setAttribute('target', '_blank');
    node.setAttribute('rel', 'noopener noreferrer');
  }
});

/**
 * Markdown written by people (guidelines) or models (outputs), rendered as HTML only after
 * DOMPurify has removed scripts, event handlers and anything else that could run: the text is
 * untrusted, so the sanitiser, not the parser, decides what reaches the page.
 */
const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * Raw HTML in the source is shown as text, never parsed: DOMPurify would strip its handlers, but
 * the browser still reports each one it meets while parsing as a CSP violation (the handler never
 * runs; the console fills with noise), and markdown needs no HTML.
 */
const marked = new Marked({
  gfm: true,
  breaks: true,
  async: false,
  renderer: { html: ({ text }) => escapeHtml(text) },
});

export function renderMarkdown(text: string): string {
  const html = marked.parse(text) as string;
  return DOMPurify.sanitize(html, { USE_PROFILES: { html: true }, FORBID_TAGS: ['style', 'form'] });
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
      // Sanitised above with DOMPurify; never pass unsanitised text here.
      dangerouslySetInnerHTML={{ __html: html }}
    />
  );
}
