import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { errorTable } from '../lib/errors';
import { CREATION_REFUSALS } from '../lib/hooks';
import { FUNCTION_FAILURES } from '../lib/aws/lambda';
import * as keys from '../lib/store/keys';
import { readServerlessYml } from '../scripts/local-stack';

const ROOT = join(__dirname, '..');
const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');
const readme = read('README.md');
const DOCS = readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).sort();
/** Every Markdown page whose links must hold. */
const PAGES = ['README.md', 'CONTRIBUTING.md', 'SECURITY.md', ...DOCS.map((f) => `docs/${f}`)];

/** The text outside fenced code blocks and inline code, where links and headings live. */
function prose(markdown: string): string {
  return markdown.replace(/^```[\s\S]*?^```/gm, '').replace(/`[^`\n]*`/g, '');
}

/** The anchors GitHub gives a page's headings: lower case, punctuation dropped, spaces as hyphens, repeats numbered. */
function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const [, heading] of markdown.replace(/^```[\s\S]*?^```/gm, '').matchAll(/^#{1,6}\s+(.+?)\s*#*$/gm)) {
    const slug = heading
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    out.add(n ? `${slug}-${n}` : slug);
  }
  return out;
}

/** The relative links of a page: `[text](target)` and `![alt](target)`, without web and mail addresses. */
function relativeLinks(markdown: string): string[] {
  return [...prose(markdown).matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map((m) => m[1]).filter((t) => !/^[a-z]+:/i.test(t));
}

describe('README', () => {
  it('shows the two commands', () => {
    expect(readme).toContain('npm ci && npm start');
    expect(readme).toContain('npm test');
  });

  it('lists every page of docs/ in its contents', () => {
    const linked = new Set(relativeLinks(readme).map((t) => t.split('#')[0]));
    for (const page of DOCS) expect([...linked], page).toContain(`docs/${page}`);
  });
});

describe('docs/', () => {
  const errors = read('docs/errors.md');
  const customData = read('docs/custom-data.md');

  it('lists every error code with the status the code table gives it', () => {
    for (const { code, status } of errorTable) {
      expect(errors, code).toMatch(new RegExp(`\\| \`${code}\` \\| ${status} \\|`));
    }
  });

  it('lists every way the user-creation function refuses a user, with its code and status', () => {
    for (const reason of [...FUNCTION_FAILURES, ...Object.values(CREATION_REFUSALS)]) {
      expect(customData, reason).toContain(`| \`user creation function ${reason}\` |`);
    }
    expect(customData).toMatch(/fails with `AuthError`\s+\(401\)/);
  });

  it('every relative link of README.md, CONTRIBUTING.md, SECURITY.md and docs/ reaches a file, and its #anchor a heading', () => {
    const broken: string[] = [];
    for (const page of PAGES) {
      const text = read(page);
      for (const link of relativeLinks(text)) {
        const [path, anchor] = link.split('#');
        const target = path ? resolve(ROOT, dirname(page), decodeURIComponent(path)) : join(ROOT, page);
        if (!target.startsWith(ROOT) || !existsSync(target)) broken.push(`${page}: ${link} (no such file)`);
        else if (anchor !== undefined && statSync(target).isFile() && target.endsWith('.md') && !anchors(readFileSync(target, 'utf8')).has(anchor)) {
          broken.push(`${page}: ${link} (no heading #${anchor} in ${relative(ROOT, target)})`);
        }
      }
    }
    expect(broken).toEqual([]);
  });

  it('every file of the repository the pages name in code spans (`lib/…`, `scripts/…`) exists', () => {
    // Names that look like paths of ours but are not: a client route, and a file of an App Services export.
    const notOurs = new Set(['functions/call', 'functions/config.json']);
    const missing: string[] = [];
    for (const page of PAGES) {
      for (const [, path] of read(page).matchAll(/`((?:lib|functions|scripts|test|bench|console|docs|\.ci)\/[\w./-]*\w)(?::\d+)?`/g)) {
        // A path written from a placeholder (`.gatehouse/build/<hash>/`) or a pattern is not one file.
        if (/[*<>{}]/.test(path) || notOurs.has(path)) continue;
        if (!existsSync(join(ROOT, path)) && !existsSync(join(ROOT, `${path}.ts`))) missing.push(`${page}: ${path}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('names every route of serverless.yml, with its method, in docs/routes.md or docs/admin.md', () => {
    /** A path with its parameters as `{}` and no query; `{oauth2-google,…}` alternatives are parameters too. */
    const normal = (path: string) => path.replace(/\?.*$/, '').replace(/\{[^}]*\}/g, '{}');
    const documented: { methods: string[]; path: string }[] = [];
    for (const page of ['docs/routes.md', 'docs/admin.md']) {
      for (const row of read(page).split('\n')) {
        const cells = row.split(/(?<!\\)\|/).slice(1, -1).map((c) => c.trim());
        const methods = (cells[0] ?? '').split(/[\s,/]+/).filter((m) => /^(GET|POST|PUT|DELETE|PATCH|any)$/.test(m));
        if (!methods.length) continue;
        let previous: string | undefined;
        for (const [, code] of (cells[1] ?? '').matchAll(/`([^`]+)`/g)) {
          const path = normal(code);
          if (!path || path.startsWith('?')) continue;
          // `…/users/{userId}/enable`, `/disable`: a lone segment after a path is its sibling.
          const full = previous && /^\/[^/]+$/.test(path) ? previous.replace(/\/[^/]+$/, path) : path;
          documented.push({ methods, path: full });
          previous = full;
        }
      }
    }
    const routes: string[] = [];
    for (const fn of Object.values(readServerlessYml().functions as Record<string, { events?: { httpApi?: unknown }[] }>)) {
      for (const event of fn.events ?? []) {
        const api = event.httpApi as string | { method: string; path: string } | undefined;
        if (!api || api === '*') continue;
        routes.push(typeof api === 'string' ? api : `${api.method.toUpperCase()} ${api.path}`);
      }
    }
    expect(routes.length).toBeGreaterThan(60);
    /** Segment by segment, a parameter on either side matching any segment; `…` is any start. */
    const matches = (route: string, doc: string): boolean => {
      const r = route.split('/');
      const d = doc.startsWith('…') ? doc.slice(2).split('/') : doc.split('/');
      if (doc.startsWith('…') ? d.length > r.length : d.length !== r.length) return false;
      const tail = r.slice(r.length - d.length);
      return d.every((seg, i) => seg === tail[i] || seg === '{}' || tail[i] === '{}');
    };
    const missing = routes.filter((route) => {
      const [method, path] = route.split(' ');
      const candidates = [path, path.replace(/^\/api\/(client\/v2\.0|admin\/v3\.0)/, '')].map(normal);
      return !documented.some((d) => d.methods.includes(method) && candidates.some((c) => matches(c, d.path)));
    });
    expect(missing).toEqual([]);
  });

  it('names every setting the code reads (GATEHOUSE_*) in docs/configuration.md', () => {
    const configuration = read('docs/configuration.md');
    const names = new Set<string>();
    const scan = (path: string): void => {
      if (statSync(path).isDirectory()) {
        for (const entry of readdirSync(path)) if (entry !== 'node_modules') scan(join(path, entry));
      } else if (/\.(ts|cjs|mjs|js|yml)$/.test(path)) {
        for (const [name] of readFileSync(path, 'utf8').matchAll(/GATEHOUSE_[A-Z0-9_]*[A-Z0-9]/g)) names.add(name);
      }
    };
    for (const place of ['lib', 'functions', 'scripts', 'cli', 'bin', 'console', 'serverless.yml']) scan(join(ROOT, place));
    expect(names.size).toBeGreaterThan(40);
    const missing = [...names].filter((name) => !configuration.includes(`\`${name}\``));
    expect(missing).toEqual([]);
  });

  it('names every table key the key builders make in docs/data-model.md', () => {
    const dataModel = read('docs/data-model.md');
    const values: string[] = [];
    for (const [name, value] of Object.entries(keys)) {
      if (name === 'nextShard') continue; // a shard number, not a key
      const made = typeof value === 'function' ? (value as (...args: string[]) => unknown)('USERS', 'b') : value;
      for (const v of [made].flat()) {
        if (typeof v === 'string') values.push(v);
        else if (v && typeof v === 'object') values.push(...Object.values(v as Record<string, string>));
      }
    }
    // The constant part of each key: up to its first `#`, or all of it.
    const literals = new Set(values.filter((v) => /^[A-Z]/.test(v)).map((v) => (v.includes('#') ? v.slice(0, v.indexOf('#') + 1) : `${v}\``)));
    expect(literals.size).toBeGreaterThan(15);
    const missing = [...literals].filter((literal) => !dataModel.includes(`\`${literal}`));
    expect(missing).toEqual([]);
  });
});
