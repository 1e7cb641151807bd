import {
  Anchor,
  createTheme,
  defaultVariantColorsResolver,
  Modal,
  parseThemeColor,
  type CSSVariablesResolver,
  type MantineTheme,
  type VariantColorsResolver,
} from '@mantine/core';

/**
 * Text colours that reach WCAG 2.2 AA (4.5:1) on white and on Mantine's light tints. Mantine's
 * default filled buttons (shade 6) do not: white on teal.6 is 2.55:1, on orange.6 2.57:1.
 */
const STRONG: Record<string, string> = {
  orange: '#a63c0c',
  yellow: '#7a5600',
  green: '#237032',
  lime: '#4a6b00',
  teal: '#066a4c',
};
const STRONG_SHADE: Record<string, number> = {
  indigo: 7,
  violet: 7,
  grape: 7,
  gray: 7,
  dark: 7,
  blue: 8,
};

export function strongColor(theme: MantineTheme, color: string): string {
  return STRONG[color] ?? theme.colors[color]?.[STRONG_SHADE[color] ?? 9] ?? color;
}

const variantColorResolver: VariantColorsResolver = (input) => {
  const defaults = defaultVariantColorsResolver(input);
  const parsed = parseThemeColor({
    color: input.color || input.theme.primaryColor,
    theme: input.theme,
  });
  // An explicit shade ("teal.9") is the author's choice; named colours get an AA shade.
  if (!parsed.isThemeColor || parsed.shade !== undefined) return defaults;
  const strong = strongColor(input.theme, parsed.color);
  if (input.variant === 'filled')
    return { ...defaults, background: strong, hover: strong, color: '#fff', border: 'none' };
  if (input.variant === 'light' || input.variant === 'outline' || input.variant === 'subtle') {
    // On a tinted background the text needs the darkest shade to keep 4.5:1.
    const text = STRONG[parsed.color] ?? input.theme.colors[parsed.color]?.[9] ?? strong;
    return {
      ...defaults,
      color: text,
      ...(input.variant === 'outline' ? { border: `1px solid ${text}` } : {}),
    };
  }
  return defaults;
};

export const theme = createTheme({
  primaryColor: 'indigo',
  primaryShade: 7,
  // Keyboard users always see where focus is; mouse clicks do not leave rings behind.
  focusRing: 'auto',
  fontFamilyMonospace: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace',
  variantColorResolver,
  components: {
    // Mantine's close button is an icon without a name; screen readers need one.
    Modal: Modal.extend({ defaultProps: { closeButtonProps: { 'aria-label': 'Close dialog' } } }),
    // Links inside text must not rely on colour alone (WCAG 1.4.1): always underlined.
    Anchor: Anchor.extend({ defaultProps: { underline: 'always' } }),
  },
});

/** Captions ("dimmed") and error text dark enough for AA: gray.6 on white is only 3.32:1. */
export const cssVariablesResolver: CSSVariablesResolver = (t) => ({
  variables: {},
  light: {
    '--mantine-color-dimmed': t.colors.gray[7],
    '--mantine-color-error': t.colors.red[9],
    '--mantine-color-placeholder': t.colors.gray[7],
    '--mantine-color-anchor': t.colors.indigo[8],
  },
  dark: {},
});
