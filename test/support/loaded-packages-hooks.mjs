// Module hooks of loaded-packages.mjs: appends the URL of every module loaded through the ES module loader to a file.
import fs from 'node:fs';

let file;

export function initialize(data) {
  file = data.file;
}

export async function load(url, context, next) {
  fs.appendFileSync(file, `${url}\n`);
  return next(url, context);
}
