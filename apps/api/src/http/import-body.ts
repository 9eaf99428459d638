/**
 * The import's JSON body, read with its shape checked as the bytes arrive and parsed row by row.
 *
 * Fastify's parser waits for the whole body and then runs one JSON.parse over it: a 100 MB document nested a
 * million levels deep froze the server for 48 s at 3 GB, and even an honest 27 MB export blocked every other user
 * for the length of that one call. Here a single pass over the bytes refuses too deep a nesting, too many values and
 * too large a row as soon as they are seen, before anything is built; then the document is parsed one row at a time
 * by JSON.parse, yielding to the event loop between slices. (The streaming parsers on npm — stream-json,
 * @streamparser/json, clarinet — build every value in JavaScript token by token, and none bounds depth or counts by
 * itself; this scanner only counts brackets and commas, and leaves the building to JSON.parse.)
 */
import { setImmediate as nextTurn } from 'node:timers/promises';

/** How deep a document may nest: a row's content is at most five levels down; the rest is margin. */
export const IMPORT_MAX_DEPTH = 16;
/**
 * How many values (array elements, object members and containers) a document may hold: the ten-year user's 27 MiB
 * export (61,470 rows of 5–20 members each) holds around a million.
 */
export const IMPORT_MAX_VALUES = 8_000_000;
/** How large one row (or the settings) may be: the largest a schema allows (100,000 characters of text) and margin. */
export const IMPORT_MAX_PIECE_BYTES = 4 * 1024 * 1024;
/**
 * How many pieces (rows, and members of the root object and of its objects) a document may hold: the ten-year user's
 * export has 61,470 rows. Their offsets are what the scanner keeps (8 bytes each).
 */
export const IMPORT_MAX_ROWS = 1_000_000;
/** How long one slice of parsing may hold the event loop before it lets other requests run. */
export const PARSE_SLICE_MS = 20;

export class ImportBodyError extends Error {
  constructor(
    readonly statusCode: 400 | 413,
    message: string,
  ) {
    super(message);
  }
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;
/** A structural character's level (the depth of the container it belongs to), kept beside the byte in `marks`. */
const L1 = 1 << 8;
const L2 = 2 << 8;

/**
 * Scans JSON bytes chunk by chunk (strings and escapes across chunk ends included) and remembers where the pieces
 * of the document are: the offsets of the punctuation of the root object (level 1) and of the arrays directly in
 * it (level 2). Everything deeper is only counted. It does not validate JSON: the pieces are parsed by JSON.parse,
 * which reports what is malformed.
 */
export class JsonShapeScanner {
  /**
   * Each structural character at level 1 or 2, in order, as `offset * 1024 + (byte | level)` (a byte with its level
   * L1 or L2): one number per mark, in a typed array so a million of them stay 8 MB.
   */
  private buffer = new Float64Array(1024);
  private count = 0;
  private offset = 0;
  private depth = 0;
  private values = 0;
  private inString = false;
  private escaped = false;
  /** Where the current piece (a row, or a root member's value) began, to bound its size. */
  private pieceStart = 0;

  constructor(
    private readonly limits = {
      maxDepth: IMPORT_MAX_DEPTH,
      maxValues: IMPORT_MAX_VALUES,
      maxPieceBytes: IMPORT_MAX_PIECE_BYTES,
      maxRows: IMPORT_MAX_ROWS,
    },
  ) {}

  /** The marks so far. */
  get marks(): Float64Array {
    return this.buffer.subarray(0, this.count);
  }

  write(chunk: Uint8Array) {
    let { depth, values, inString, escaped } = this;
    const base = this.offset;
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i] as number;
      if (inString) {
        if (escaped) escaped = false;
        else if (byte === BACKSLASH) escaped = true;
        else if (byte === QUOTE) inString = false;
        continue;
      }
      if (depth === 0 && byte !== 0x20 && byte !== 0x0a && byte !== 0x0d && byte !== 0x09) {
        // Outside the root: only one object, nothing before or after it.
        if (byte !== OPEN_OBJECT || this.count > 0) {
          throw new ImportBodyError(400, 'Expected a Life OS export (one JSON object)');
        }
      }
      switch (byte) {
        case QUOTE:
          inString = true;
          break;
        case OPEN_OBJECT:
        case OPEN_ARRAY:
          depth++;
          if (depth > this.limits.maxDepth) {
            throw new ImportBodyError(400, `The document is nested too deeply (the limit is ${this.limits.maxDepth})`);
          }
          if (++values > this.limits.maxValues) this.tooMany();
          if (depth <= 2) this.mark(base + i, byte | (depth << 8));
          break;
        case CLOSE_OBJECT:
        case CLOSE_ARRAY:
          if (depth === 0) throw new ImportBodyError(400, 'The document is not valid JSON');
          if (depth <= 2) this.mark(base + i, byte | (depth << 8));
          depth--;
          break;
        case COMMA:
          if (++values > this.limits.maxValues) this.tooMany();
          if (depth <= 2) this.mark(base + i, byte | (depth << 8));
          break;
        case COLON:
          if (depth === 1) this.mark(base + i, byte | L1);
          break;
      }
    }
    this.offset += chunk.length;
    Object.assign(this, { depth, values, inString, escaped });
    if (depth >= 1 && this.offset - this.pieceStart > this.limits.maxPieceBytes) this.tooLargePiece();
  }

  private mark(at: number, byte: number) {
    if (at - this.pieceStart > this.limits.maxPieceBytes) this.tooLargePiece();
    this.pieceStart = at;
    // Marks are a row's comma, and a few per section and root member: their count bounds the rows.
    if (this.count >= this.limits.maxRows) {
      throw new ImportBodyError(413, `The document holds too many rows (the limit is ${this.limits.maxRows})`);
    }
    if (this.count === this.buffer.length) {
      const grown = new Float64Array(this.count * 2);
      grown.set(this.buffer);
      this.buffer = grown;
    }
    this.buffer[this.count++] = at * 1024 + byte;
  }

  private tooMany(): never {
    throw new ImportBodyError(413, `The document holds too many values (the limit is ${this.limits.maxValues})`);
  }

  private tooLargePiece(): never {
    const mib = this.limits.maxPieceBytes / (1024 * 1024);
    throw new ImportBodyError(413, `A row of the document is too large (the limit is ${mib} MiB)`);
  }
}

/**
 * Builds the document from the scanned body: the root object's members, each array of rows parsed one row at a
 * time (each row a JSON.parse of its own bytes), pausing every PARSE_SLICE_MS so other requests run in between.
 */
export async function parseScannedDocument(body: Buffer, marks: Float64Array): Promise<unknown> {
  const text = (from: number, to: number) => body.toString('utf8', from, to);
  const parse = (from: number, to: number, what: string) => {
    try {
      return JSON.parse(text(from, to)) as unknown;
    } catch {
      throw new ImportBodyError(400, `The document is not valid JSON (in ${what})`);
    }
  };
  const malformed = () => new ImportBodyError(400, 'The document is not valid JSON');
  const code = (k: number) => (marks[k] as number) % 1024;
  const firstByte = body.findIndex((byte) => byte !== 0x20 && byte !== 0x0a && byte !== 0x0d && byte !== 0x09);
  if (firstByte === -1) throw new ImportBodyError(400, 'The body is empty');
  if (body[firstByte] !== OPEN_OBJECT || code(0) !== (OPEN_OBJECT | L1)) throw malformed();
  const doc: Record<string, unknown> = {};
  let sliceStarted = performance.now();
  const maybeYield = async () => {
    if (performance.now() - sliceStarted < PARSE_SLICE_MS) return;
    await nextTurn();
    sliceStarted = performance.now();
  };
  // The first mark is the root's '{'.
  let m = 1;
  const at = (k: number) => Math.floor((marks[k] as number) / 1024);
  const isEmpty = (from: number, to: number) => text(from, to).trim() === '';
  let memberStart = at(0) + 1;
  for (let first = true; ; first = false) {
    if (m >= marks.length) throw malformed();
    if (first && code(m) === (CLOSE_OBJECT | L1) && isEmpty(memberStart, at(m))) {
      memberStart = at(m) + 1;
      m += 1;
      break;
    }
    if (code(m) !== (COLON | L1)) throw malformed();
    const key = parse(memberStart, at(m), 'a key');
    if (typeof key !== 'string') throw malformed();
    const valueStart = at(m) + 1;
    m += 1;
    let value: unknown;
    if (m < marks.length && code(m) === (OPEN_ARRAY | L2) && isEmpty(valueStart, at(m))) {
      // A section: its rows one by one.
      const rows: unknown[] = [];
      let rowStart = at(m) + 1;
      m += 1;
      for (;;) {
        if (m >= marks.length) throw malformed();
        const byte = code(m);
        if (byte !== (COMMA | L2) && byte !== (CLOSE_ARRAY | L2)) throw malformed();
        if (!(byte === (CLOSE_ARRAY | L2) && rows.length === 0 && isEmpty(rowStart, at(m)))) {
          rows.push(parse(rowStart, at(m), `${key}[${rows.length}]`));
          await maybeYield();
        }
        rowStart = at(m) + 1;
        m += 1;
        if (byte === (CLOSE_ARRAY | L2)) break;
      }
      if (m >= marks.length) throw malformed();
      const after = code(m);
      if ((after !== (COMMA | L1) && after !== (CLOSE_OBJECT | L1)) || !isEmpty(rowStart, at(m))) throw malformed();
      value = rows;
    } else {
      // Any other member (format, version, settings…): parsed whole, up to the next ',' or '}' of the root.
      while (m < marks.length && code(m) !== (COMMA | L1) && code(m) !== (CLOSE_OBJECT | L1)) m += 1;
      if (m >= marks.length) throw malformed();
      value = parse(valueStart, at(m), key);
    }
    // Defined rather than assigned: a member named "__proto__" stays a plain (unknown, refused) member.
    Object.defineProperty(doc, key, { value, enumerable: true, writable: true, configurable: true });
    const end = code(m);
    memberStart = at(m) + 1;
    m += 1;
    if (end === (CLOSE_OBJECT | L1)) break;
  }
  if (m !== marks.length || !isEmpty(memberStart, body.length)) throw malformed();
  return doc;
}
