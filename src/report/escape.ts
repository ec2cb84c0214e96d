/** Text and attribute values placed into the report's HTML and SVG: user data (prompts, rationales, columns) is never markup. */
const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/**
 * A link to `url` when it is http(s), else `text` alone: the Web UI links come from configuration (TEMPORAL_UI_URL,
 * checked where it is read, but a caller may hand the renderer any config), and a javascript: or data: URL in an
 * href runs in the reader's browser on a click. `text` is HTML already.
 */
export function safeLink(url: string, text: string): string {
  let protocol: string;
  try {
    protocol = new URL(url).protocol;
  } catch {
    return text;
  }
  return protocol === 'http:' || protocol === 'https:' ? `<a href="${escapeHtml(url)}">${text}</a>` : text;
}
