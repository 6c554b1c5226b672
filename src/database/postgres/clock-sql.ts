/**
 * The schema that gives SQL the backend machine's clock and seeded stream. It is the engine's own schema
 * (`rtcsim`, never wiped, never snapshotted), placed after `public` and before `pg_catalog` in the role's
 * search_path, so that its functions shadow the built-ins of the same names — and a column `DEFAULT now()`
 * made under that path binds to the shadow.
 *
 * Time: every statement is preceded by `rtcsim.now_us` set on its session to the machine's clock (see
 * sessions.ts). now(), transaction_timestamp(), statement_timestamp() and clock_timestamp() all answer that
 * one value: the statement's simulated time, not its transaction's start (a difference no key service relies on).
 * Randomness: SHA-256 of the run's seed (`rtcsim.seed`, set on every session when the run starts) and the
 * next value of a sequence — sequences are not transactional, and statements run one at a time, so the n-th
 * draw of a run is the same draw whichever session makes it.
 */
export const clockSchema = 'rtcsim';

/** Creates the shadowing functions (once per server) and the event trigger that reroutes extensions' random functions. */
export const clockSchemaScript = `
CREATE SEQUENCE ${clockSchema}.draws;
CREATE FUNCTION ${clockSchema}.now_us() RETURNS bigint LANGUAGE sql STABLE
  AS $$ SELECT coalesce(nullif(current_setting('rtcsim.now_us', true), ''), '0')::bigint $$;
CREATE FUNCTION ${clockSchema}.now() RETURNS timestamptz LANGUAGE sql STABLE
  AS $$ SELECT timestamptz 'epoch' + ${clockSchema}.now_us() * interval '1 microsecond' $$;
CREATE FUNCTION ${clockSchema}.transaction_timestamp() RETURNS timestamptz LANGUAGE sql STABLE AS $$ SELECT ${clockSchema}.now() $$;
CREATE FUNCTION ${clockSchema}.statement_timestamp() RETURNS timestamptz LANGUAGE sql STABLE AS $$ SELECT ${clockSchema}.now() $$;
CREATE FUNCTION ${clockSchema}.clock_timestamp() RETURNS timestamptz LANGUAGE sql VOLATILE AS $$ SELECT ${clockSchema}.now() $$;
CREATE FUNCTION ${clockSchema}.draw() RETURNS bytea LANGUAGE sql VOLATILE
  AS $$ SELECT sha256(convert_to(coalesce(current_setting('rtcsim.seed', true), '') || ':' || nextval('${clockSchema}.draws'), 'UTF8')) $$;
CREATE FUNCTION ${clockSchema}.random() RETURNS double precision LANGUAGE sql VOLATILE
  AS $$ SELECT ('x' || substr(encode(${clockSchema}.draw(), 'hex'), 1, 13))::bit(52)::bigint / 4503599627370496.0::double precision $$;
CREATE FUNCTION ${clockSchema}.gen_random_uuid() RETURNS uuid LANGUAGE sql VOLATILE
  AS $$ SELECT (substr(h, 1, 12) || '4' || substr(h, 14, 3) || substr('89ab', (('x' || substr(h, 17, 1))::bit(4)::int & 3) + 1, 1) || substr(h, 18, 15))::uuid
        FROM (SELECT encode(${clockSchema}.draw(), 'hex') AS h) AS drawn $$;
CREATE FUNCTION ${clockSchema}.gen_random_bytes(integer) RETURNS bytea LANGUAGE sql VOLATILE
  AS $$ SELECT substring(string_agg(${clockSchema}.draw(), ''::bytea ORDER BY n) FROM 1 FOR $1) FROM generate_series(1, ($1 + 31) / 32) AS n $$;
CREATE FUNCTION ${clockSchema}.uuid_generate_v4() RETURNS uuid LANGUAGE sql VOLATILE AS $$ SELECT ${clockSchema}.gen_random_uuid() $$;
-- An extension installs its functions into the schema being created in (public, before ours in the path): its
-- random functions are replaced there by calls to ours, right after CREATE EXTENSION.
CREATE FUNCTION ${clockSchema}.reroute_extension_randomness() RETURNS event_trigger LANGUAGE plpgsql AS $body$
DECLARE target record;
BEGIN
  FOR target IN SELECT p.oid::regprocedure AS signature, p.proname AS name, n.nspname AS schema FROM pg_proc p
      JOIN pg_namespace n ON n.oid = p.pronamespace JOIN pg_depend d ON d.objid = p.oid AND d.deptype = 'e'
      WHERE p.proname IN ('gen_random_bytes', 'gen_random_uuid', 'uuid_generate_v4') AND n.nspname <> '${clockSchema}' LOOP
    IF target.name = 'gen_random_bytes' THEN
      EXECUTE format('CREATE OR REPLACE FUNCTION %I.gen_random_bytes(integer) RETURNS bytea LANGUAGE sql VOLATILE AS $f$ SELECT ${clockSchema}.gen_random_bytes($1) $f$', target.schema);
    ELSE
      EXECUTE format('CREATE OR REPLACE FUNCTION %I.%I() RETURNS uuid LANGUAGE sql VOLATILE AS $f$ SELECT ${clockSchema}.gen_random_uuid() $f$', target.schema, target.name);
    END IF;
  END LOOP;
END $body$;
CREATE EVENT TRIGGER rtcsim_reroute_extension_randomness ON ddl_command_end WHEN TAG IN ('CREATE EXTENSION')
  EXECUTE FUNCTION ${clockSchema}.reroute_extension_randomness();
`;

/** The role's search_path: the shadows after public, before the catalog ("$user" would name our own schema: the role is `rtcsim`). */
export const searchPath = `public, ${clockSchema}, pg_catalog`;

// Keywords that read the host's clock whatever the search_path: rewritten to the shadowing function. Only
// outside quoted literals, quoted identifiers and comments.
const keywordTimes: readonly (readonly [RegExp, string])[] = [
  [/\bcurrent_timestamp\s*\(\s*(\d+)\s*\)/giy, `${clockSchema}.now()::timestamptz($1)`],
  [/\bcurrent_timestamp\b/giy, `${clockSchema}.now()`],
  [/\blocaltimestamp\s*\(\s*(\d+)\s*\)/giy, `${clockSchema}.now()::timestamp($1)`],
  [/\blocaltimestamp\b/giy, `${clockSchema}.now()::timestamp`],
  [/\bcurrent_date\b/giy, `${clockSchema}.now()::date`],
];

/**
 * Rewrites CURRENT_TIMESTAMP, LOCALTIMESTAMP and CURRENT_DATE (SQL keywords, which no search_path can shadow)
 * into calls of the simulated clock. CURRENT_TIME and LOCALTIME (time of day) stay the host's.
 */
export function routeTimeKeywords(text: string): string {
  if (!/current_timestamp|localtimestamp|current_date/i.test(text)) return text;
  let out = '';
  let index = 0;
  while (index < text.length) {
    const char = text[index] ?? '';
    const skipped = skipQuoted(text, index);
    if (skipped > index) {
      out += text.slice(index, skipped);
      index = skipped;
      continue;
    }
    const previous = text[index - 1] ?? ' ';
    let replaced = false;
    if (!/[\w$.]/.test(previous)) {
      for (const [pattern, replacement] of keywordTimes) {
        pattern.lastIndex = index;
        const match = pattern.exec(text);
        if (match === null) continue;
        out += match[0].replace(new RegExp(pattern.source, 'i'), replacement);
        index += match[0].length;
        replaced = true;
        break;
      }
    }
    if (!replaced) {
      out += char;
      index++;
    }
  }
  return out;
}

// The end of a literal, quoted identifier or comment starting at `index`, or `index` when none starts there.
function skipQuoted(text: string, index: number): number {
  const two = text.slice(index, index + 2);
  if (two === '--') return endOf(text, '\n', index + 2);
  if (two === '/*') return endOf(text, '*/', index + 2);
  const char = text[index];
  if (char === "'" || char === '"') return endOf(text, char, index + 1);
  if (char === '$') {
    const tag = /^\$[A-Za-z_]*\$/.exec(text.slice(index));
    if (tag !== null) return endOf(text, tag[0], index + tag[0].length);
  }
  return index;
}

function endOf(text: string, closing: string, from: number): number {
  const found = text.indexOf(closing, from);
  return found === -1 ? text.length : found + closing.length;
}
