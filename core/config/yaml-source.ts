/**
 * Reads and parses a YAML config while keeping where each value sits, so every config error can
 * name its line and column. Unreadable files and YAML syntax errors are `E_CONFIG_READ`, with
 * the line:col of the (first) syntax error.
 */
import { readFile } from 'node:fs/promises';
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { VigieError } from '../../plugins/sdk/index.js';
import type { PathSegment } from './errors.js';

export interface YamlSource {
  file: string;
  doc: Document;
  lines: LineCounter;
  /** The document as plain JS (`{}` for an empty file). */
  data: unknown;
}

export interface Position {
  line: number;
  column: number;
}

/** Reads `file`; throws `E_CONFIG_READ` when it cannot be read. */
export async function readConfigText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why = err.code === 'ENOENT' ? 'no such file' : err.code === 'EACCES' ? 'permission denied' : err.message;
    throw new VigieError('E_CONFIG_READ', `${file}: cannot read the configuration: ${why}`, { file, cause: err.code }, { cause: e });
  }
}

/** Parses YAML text; throws `E_CONFIG_READ` naming `file:line:col` of the first syntax error. */
export function parseYamlSource(file: string, text: string): YamlSource {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const errors = doc.errors.map((e) => {
      const p = lines.linePos(e.pos[0]);
      return { line: p.line, column: p.col, message: firstLine(e.message) };
    });
    const first = errors[0]!;
    throw new VigieError('E_CONFIG_READ', `${file}:${first.line}:${first.column}: invalid YAML: ${first.message}`, {
      file, line: first.line, column: first.column, yamlErrors: errors,
    });
  }
  let data: unknown;
  try {
    data = doc.toJS() ?? {};
  } catch (e) {
    throw new VigieError('E_CONFIG_READ', `${file}: invalid YAML: ${(e as Error).message}`, { file }, { cause: e });
  }
  return { file, doc, lines, data };
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}

/**
 * Where the value at `path` is written (or, with `at: 'key'`, its key). When the path goes
 * deeper than the document (a missing key), the nearest written ancestor is given.
 */
export function locate(src: YamlSource, path: readonly PathSegment[], at: 'value' | 'key' = 'value'): Position | undefined {
  let node: unknown = src.doc.contents;
  let found: Node | undefined = node as Node | undefined;
  for (let i = 0; i < path.length; i++) {
    node = deref(src, node);
    const seg = path[i]!;
    const last = i === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && keyText(p.key) === String(seg));
      if (!pair) break;
      if (last && at === 'key' && pair.key) {
        found = pair.key as Node;
        break;
      }
      const value = pair.value as Node | null;
      // `key:` with nothing after it: point at the key.
      found = value && value.range ? value : (pair.key as Node);
      node = value;
    } else if (isSeq(node) && typeof seg === 'number') {
      const item = node.items[seg] as Node | undefined;
      if (!item) break;
      found = item;
      node = item;
    } else {
      break;
    }
  }
  const offset = found?.range?.[0];
  if (offset === undefined) return undefined;
  const p = src.lines.linePos(offset);
  return { line: p.line, column: p.col };
}

function deref(src: YamlSource, node: unknown): unknown {
  return isAlias(node) ? node.resolve(src.doc) : node;
}

function keyText(key: unknown): string | undefined {
  if (isScalar(key)) return String(key.value);
  return typeof key === 'string' || typeof key === 'number' ? String(key) : undefined;
}
