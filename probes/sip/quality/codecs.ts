/**
 * The codec table of the E-model: for each codec, its equipment impairment factor `Ie` (the
 * impairment the codec causes with no loss) and its packet-loss robustness `Bpl` (ITU-T G.113
 * Appendix I values). Defaults cover G.711 with packet-loss concealment, G.729(A) and G.722; any
 * other codec (Opus, iLBC, …) is added by configuration, because G.113 gives no single value for
 * a variable-rate codec.
 */
import { Type, VigieError } from '../../../plugins/sdk/index.js';

/** One codec's E-model parameters. `ie` in 0..95 (0 = transparent); `bpl` > 0. */
export interface CodecProfile {
  readonly name: string;
  readonly ie: number;
  readonly bpl: number;
}

/** The config schema of one codec profile (the `codecs:` list of the sip kinds), shared by every kind. */
export const CodecProfileSchema = Type.Object(
  {
    name: Type.String({ minLength: 1, description: 'codec name or alias (G.711, PCMU, G729, opus, …)' }),
    ie: Type.Number({ minimum: 0, maximum: 95, description: 'E-model equipment impairment Ie' }),
    bpl: Type.Number({ exclusiveMinimum: 0, description: 'E-model packet-loss robustness Bpl' }),
  },
  { additionalProperties: false },
);

/** Codec profiles by canonical name (`G.711`, `G.729`, …); built with {@link createCodecTable}. */
export type CodecTable = ReadonlyMap<string, CodecProfile>;

/** Defaults (Vigie issue 5, after G.113 Appendix I): G.711 with PLC Ie 0 / Bpl 25.1, G.729 Ie 10 / Bpl 19, G.722 Ie 4 / Bpl 15.7. */
export const DEFAULT_CODECS: readonly CodecProfile[] = [
  { name: 'G.711', ie: 0, bpl: 25.1 },
  { name: 'G.729', ie: 10, bpl: 19 },
  { name: 'G.722', ie: 4, bpl: 15.7 },
];

/** SDP / common spellings mapped to a canonical table name (keys are normalised: lower case, no dot, dash, space or slash suffix). */
const ALIASES: Readonly<Record<string, string>> = {
  g711: 'G.711', pcmu: 'G.711', pcma: 'G.711', g711u: 'G.711', g711a: 'G.711', g711ulaw: 'G.711', g711alaw: 'G.711',
  g729: 'G.729', g729a: 'G.729', g729ab: 'G.729',
  g722: 'G.722',
  opus: 'Opus',
};

/** The key a codec name is looked up by: `PCMU/8000` → `pcmu`, `G.729a` → `g729a`. */
function normalise(name: string): string {
  return name.split('/')[0].toLowerCase().replace(/[\s.\-_]/g, '');
}

/** Canonical name of a codec: an alias target when known (`PCMU` → `G.711`), else the name as given. */
export function canonicalCodecName(name: string): string {
  return ALIASES[normalise(name)] ?? name;
}

/** Checks one profile; throws `E_QUALITY_INPUT` naming the bad field. */
export function validateCodecProfile(p: CodecProfile): CodecProfile {
  if (typeof p !== 'object' || p === null) {
    throw new VigieError('E_QUALITY_INPUT', `a codec profile must be an object, got ${String(p)}`, { field: 'codec' });
  }
  if (typeof p.name !== 'string' || p.name.trim() === '') {
    throw new VigieError('E_QUALITY_INPUT', 'a codec profile needs a non-empty name', { field: 'name' });
  }
  if (typeof p.ie !== 'number' || !Number.isFinite(p.ie) || p.ie < 0 || p.ie > 95) {
    throw new VigieError('E_QUALITY_INPUT', `codec ${p.name}: ie must be a number in 0..95, got ${String(p.ie)}`, { field: 'ie', codec: p.name, value: p.ie });
  }
  if (typeof p.bpl !== 'number' || !Number.isFinite(p.bpl) || p.bpl <= 0) {
    throw new VigieError('E_QUALITY_INPUT', `codec ${p.name}: bpl must be a positive number, got ${String(p.bpl)}`, { field: 'bpl', codec: p.name, value: p.bpl });
  }
  return p;
}

/**
 * The defaults, overridden or extended by `extra` (a profile whose canonical name matches a
 * default replaces it: `{ name: 'opus', ie: 5, bpl: 20 }` adds Opus). Throws `E_QUALITY_INPUT`
 * on an invalid profile.
 */
export function createCodecTable(extra: readonly CodecProfile[] = []): CodecTable {
  const table = new Map<string, CodecProfile>();
  for (const p of [...DEFAULT_CODECS, ...extra]) {
    const v = validateCodecProfile(p);
    const name = canonicalCodecName(v.name);
    table.set(normalise(name), { name, ie: v.ie, bpl: v.bpl });
  }
  return table;
}

/** The profile for a codec name or alias; throws `E_QUALITY_INPUT` listing the known codecs when absent. */
export function lookupCodec(table: CodecTable, name: string): CodecProfile {
  const p = table.get(normalise(canonicalCodecName(String(name))));
  if (!p) {
    const known = [...table.values()].map((c) => c.name).join(', ');
    throw new VigieError('E_QUALITY_INPUT', `unknown codec "${String(name)}" (known: ${known}; add it to the codec table)`, { field: 'codec', value: name });
  }
  return p;
}
