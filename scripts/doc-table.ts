/** Rewrites the part of a Markdown page between two marker comments (the tables benches and reports keep current). */
import fs from 'node:fs';
import prettier from 'prettier';

export async function replaceBetweenMarkers(doc: string, start: string, end: string, content: string): Promise<void> {
  const text = fs.readFileSync(doc, 'utf8');
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from < 0 || to < from) throw new Error(`${doc} has no ${start} … ${end} markers`);
  const updated = `${text.slice(0, from + start.length)}\n${content}\n${text.slice(to)}`;
  // Formatted as `npm run lint` expects, so the updated page passes prettier --check.
  const options = (await prettier.resolveConfig(doc)) ?? {};
  fs.writeFileSync(doc, await prettier.format(updated, { ...options, filepath: doc }));
}
