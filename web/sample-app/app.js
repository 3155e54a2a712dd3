// Sample App, redirect page: completes the SMART authorization with fhirclient.js (code → token
// with PKCE), then shows the patient in context, their latest vital signs and lab results, and
// a developer's view of the launch: context, granted scopes, token response, id_token claims.
// Every value goes into the page as text (textContent), never as HTML.
// <body data-state> is "loading", then "ready" once everything is rendered or "error".
'use strict';

(function sampleApp() {
  const $ = (id) => document.getElementById(id);

  // Token response members whose values are secrets: shown shortened.
  const kSecretFields = new Set(['access_token', 'refresh_token', 'id_token']);
  // smart_style_url members (SMART App Launch 2.2 "Styles") → this page's CSS custom properties.
  const kStyleProperties = {
    color_background: '--bg',
    color_text: '--text',
    color_highlight: '--accent',
    color_error: '--error',
    color_success: '--success',
    dim_border_radius: '--radius',
    dim_font_size: '--font-size',
    dim_spacing_size: '--space',
    font_family_body: '--font-body',
    font_family_heading: '--font-heading',
  };
  const kMaxStyleValue = 200;
  // JSON values up to this length stay on one line in the developer view.
  const kCompactJson = 72;

  function setState(state, status) {
    document.body.dataset.state = state;
    $('status').textContent = status;
  }

  // Shows one error in the alert box (several may accumulate) and marks the page failed.
  function showError(title, error) {
    const box = $('error');
    const item = document.createElement('div');
    const heading = document.createElement('strong');
    heading.textContent = title;
    item.append(heading);
    const detail = error && (error.message || String(error));
    if (detail) {
      const pre = document.createElement('pre');
      pre.textContent = detail;
      item.append(pre);
    }
    box.append(item);
    box.hidden = false;
    setState('error', 'Error');
  }

  // The title of failed FHIR requests: 401/403 are the server refusing the token or scope.
  function fhirErrorTitle(whats, status) {
    const what = whats.length > 1 ? `${whats.slice(0, -1).join(', ')} and ${whats[whats.length - 1]}` : whats[0];
    if (status === 401) return `The FHIR server refused the access token while reading ${what} (401).`;
    if (status === 403) return `The FHIR server does not allow reading ${what} with the granted scopes (403).`;
    if (status) return `Reading ${what} failed (HTTP ${status}).`;
    return `Reading ${what} failed.`;
  }

  // One alert per kind of failure (a revoked token fails every request the same way), with the
  // first failure's details.
  function showFhirErrors(failures) {
    const byStatus = new Map();
    for (const { what, error } of failures) {
      const status = (error && error.status) || 0;
      if (!byStatus.has(status)) byStatus.set(status, { whats: [], error });
      byStatus.get(status).whats.push(what);
    }
    for (const [status, { whats, error }] of byStatus) showError(fhirErrorTitle(whats, status), error);
  }

  // ---------------------------------------------------------------------------------------
  // Small DOM and FHIR formatting helpers.

  function el(tag, text, className) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (className) node.className = className;
    return node;
  }

  function addPair(list, name, value) {
    const dd = el('dd');
    if (value instanceof Node) dd.append(value);
    else if (value === undefined || value === null || value === '') dd.append(el('span', '—', 'muted'));
    else if (typeof value !== 'object') dd.textContent = String(value);
    else {
      const compact = JSON.stringify(value);
      dd.textContent = compact.length <= kCompactJson ? compact : JSON.stringify(value, null, 2);
    }
    if (typeof value === 'object' && value !== null && !(value instanceof Node)) dd.className = 'json';
    list.append(el('dt', name), dd);
  }

  function humanName(patient) {
    const names = patient.name || [];
    const name = names.find((n) => n.use === 'official') || names.find((n) => n.use !== 'old') || names[0];
    if (!name) return `Patient/${patient.id}`;
    if (name.text) return name.text;
    return [...(name.given || []), name.family].filter(Boolean).join(' ') || `Patient/${patient.id}`;
  }

  function conceptText(concept) {
    if (!concept) return '';
    if (concept.text) return concept.text;
    const coding = (concept.coding || []).find((c) => c.display) || (concept.coding || [])[0];
    return coding ? coding.display || coding.code || '' : '';
  }

  function conceptKey(concept) {
    const coding = (concept && concept.coding && concept.coding[0]) || null;
    return coding ? `${coding.system || ''}|${coding.code || ''}` : conceptText(concept);
  }

  function quantityText(q) {
    if (!q || q.value === undefined) return '';
    const unit = q.unit || q.code || '';
    return unit ? `${q.value} ${unit}` : String(q.value);
  }

  function valueText(obs) {
    if (obs.valueQuantity) return quantityText(obs.valueQuantity);
    if (obs.valueCodeableConcept) return conceptText(obs.valueCodeableConcept);
    if (obs.valueString !== undefined) return obs.valueString;
    if (obs.valueBoolean !== undefined) return obs.valueBoolean ? 'yes' : 'no';
    if (obs.valueInteger !== undefined) return String(obs.valueInteger);
    if (obs.component && obs.component.length) {
      // Blood pressure: "128/82 mmHg" when the components share a unit.
      const quantities = obs.component.map((c) => c.valueQuantity).filter(Boolean);
      const units = new Set(quantities.map((q) => q.unit || q.code || ''));
      if (quantities.length === obs.component.length && units.size === 1) {
        return `${quantities.map((q) => q.value).join('/')} ${[...units][0]}`.trim();
      }
      return obs.component.map((c) => `${conceptText(c.code)} ${valueText(c)}`).join(', ');
    }
    if (obs.dataAbsentReason) return `(${conceptText(obs.dataAbsentReason)})`;
    return '';
  }

  function effectiveDate(obs) {
    return obs.effectiveDateTime || (obs.effectivePeriod && obs.effectivePeriod.start) ||
      obs.effectiveInstant || obs.issued || '';
  }

  // "2024-03-05T10:20:00Z" → "2024-03-05 10:20" (the date part alone for a plain date).
  function shortDate(value) {
    if (!value) return '';
    const m = /^(\d{4}-\d{2}-\d{2})(?:T(\d{2}:\d{2}))?/.exec(value);
    if (!m) return value;
    return m[2] ? `${m[1]} ${m[2]}` : m[1];
  }

  // The claims of a JWT (RFC 7519 §7.2: base64url JSON, UTF-8). fhirclient 2.6's own decoder
  // (client.getIdToken, behind client.getFhirUser) hands base64url to window.atob, which throws
  // on '-' and '_': whether it works would depend on the token's bytes, so the app decodes itself.
  function decodeJwtPayload(jwt) {
    const part = String(jwt).split('.')[1];
    if (!part) throw new Error('not a JWT');
    const b64 = part.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(part.length / 4) * 4, '=');
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    return JSON.parse(new TextDecoder().decode(bytes));
  }

  // The id_token's fhirUser as "Type/id" (servers may send an absolute URL), as fhirclient does.
  function fhirUserOf(claims) {
    if (!claims) return '';
    if (claims.fhirUser) return String(claims.fhirUser).split('/').slice(-2).join('/');
    return claims.profile || '';
  }

  function idTokenClaims(token) {
    if (!token.id_token) return { claims: null, error: null };
    try {
      return { claims: decodeJwtPayload(token.id_token), error: null };
    } catch (e) {
      return { claims: null, error: `the id_token could not be decoded: ${e.message}` };
    }
  }

  function shorten(secret) {
    const s = String(secret);
    return s.length <= 24 ? s : `${s.slice(0, 12)}…${s.slice(-6)} (${s.length} characters)`;
  }

  // ---------------------------------------------------------------------------------------
  // Rendering.

  function renderPatient(patient, showBanner) {
    $('patient-name').textContent = humanName(patient);
    document.title = `${humanName(patient)}: Sample App`;
    // need_patient_banner false: the EHR around the app already shows who the patient is.
    if (showBanner) {
      $('patient').classList.add('banner');
      $('patient-birth').textContent = patient.birthDate || 'unknown';
      $('patient-gender').textContent = patient.gender || 'gender unknown';
      $('patient-id').textContent = `Patient/${patient.id}`;
      $('patient-details').hidden = false;
    }
    $('patient').hidden = false;
  }

  // The newest observation of each code (the search sorts newest first; effective dates
  // decide when two entries of a code arrive out of order).
  function latestPerCode(observations) {
    const latest = new Map();
    for (const obs of observations) {
      const key = conceptKey(obs.code);
      const seen = latest.get(key);
      if (!seen || effectiveDate(obs) > effectiveDate(seen)) latest.set(key, obs);
    }
    return [...latest.values()].sort((a, b) => conceptText(a.code).localeCompare(conceptText(b.code)));
  }

  function renderObservations(tableId, observations, withFlag, emptyText) {
    const body = $(tableId).querySelector('tbody');
    body.textContent = '';
    const rows = latestPerCode(observations);
    if (rows.length === 0) {
      const cell = el('td', emptyText, 'muted');
      cell.colSpan = withFlag ? 4 : 3;
      const tr = el('tr');
      tr.append(cell);
      body.append(tr);
      return;
    }
    for (const obs of rows) {
      const tr = el('tr');
      tr.append(el('th', conceptText(obs.code)));
      tr.firstChild.scope = 'row';
      tr.append(el('td', valueText(obs), 'value'));
      if (withFlag) {
        const flag = conceptText((obs.interpretation || [])[0]);
        const code = (((obs.interpretation || [])[0] || {}).coding || [{}])[0].code || '';
        tr.append(el('td', flag, code && code !== 'N' ? 'flag abnormal' : 'flag'));
      }
      const when = effectiveDate(obs);
      const td = el('td');
      const time = el('time', shortDate(when));
      if (when) time.dateTime = when;
      td.append(time);
      tr.append(td);
      body.append(tr);
    }
  }

  function renderContext(client, token, encounterInfo) {
    const list = $('context');
    list.textContent = '';
    addPair(list, 'Patient', token.patient ? `Patient/${token.patient}` : '');
    addPair(list, 'Encounter', token.encounter ? `Encounter/${token.encounter}` : '');
    if (encounterInfo) addPair(list, 'Encounter details', encounterInfo);
    addPair(list, 'User (fhirUser)', fhirUserOf(idTokenClaims(token).claims));
    addPair(list, 'need_patient_banner',
      token.need_patient_banner === undefined ? '' : String(token.need_patient_banner));
    addPair(list, 'smart_style_url', token.smart_style_url);
    addPair(list, 'intent', token.intent);
    addPair(list, 'fhirContext', token.fhirContext);
    addPair(list, 'FHIR server (iss)', client.state.serverUrl);
  }

  function renderScopes(token) {
    const list = $('scopes');
    list.textContent = '';
    const scopes = String(token.scope || '').split(/\s+/).filter(Boolean);
    if (scopes.length === 0) list.append(el('li', 'none reported', 'muted'));
    for (const scope of scopes) list.append(el('li', scope));
  }

  function renderToken(token) {
    const list = $('token');
    list.textContent = '';
    for (const [name, value] of Object.entries(token)) {
      addPair(list, name, kSecretFields.has(name) && value ? shorten(value) : value);
    }
    const claims = $('claims');
    claims.textContent = '';
    const { claims: decoded, error } = idTokenClaims(token);
    if (error) {
      addPair(claims, 'error', error);
      return;
    }
    if (!decoded) {
      addPair(claims, 'id_token', 'none (request openid with fhirUser or profile)');
      return;
    }
    for (const [name, value] of Object.entries(decoded)) {
      const isTime = ['exp', 'iat', 'auth_time', 'nbf'].includes(name) && typeof value === 'number';
      addPair(claims, name, isTime ? `${value} (${new Date(value * 1000).toISOString()})` : value);
    }
  }

  function renderDeveloperView(client, token, encounterInfo) {
    renderContext(client, token, encounterInfo);
    renderScopes(token);
    renderToken(token);
    $('developer').hidden = false;
  }

  // Applies the EHR's style (smart_style_url) as CSS custom properties. Optional: any failure
  // leaves the default look. Setting properties through the CSSOM is not an inline style
  // attribute, so the page's CSP (style-src 'self') allows it.
  async function applyStyle(url) {
    if (!url || !/^https?:/i.test(url)) return;
    try {
      const response = await fetch(url, { credentials: 'omit' });
      if (!response.ok) return;
      const style = await response.json();
      for (const [name, property] of Object.entries(kStyleProperties)) {
        const value = style[name];
        if (typeof value === 'string' && value.length <= kMaxStyleValue && !/url\(/i.test(value)) {
          document.documentElement.style.setProperty(property, value);
        }
      }
    } catch (e) {
      console.info('smart_style_url not applied:', e);
    }
  }

  // "Office visit · 2024-03-05 10:20 · finished" from the Encounter resource.
  function encounterSummary(encounter) {
    const type = conceptText((encounter.type || [])[0]) || conceptText(encounter.serviceType) ||
      (encounter.class && (encounter.class.display || encounter.class.code)) || 'encounter';
    const start = encounter.period && encounter.period.start;
    return [type, shortDate(start), encounter.status].filter(Boolean).join(' · ');
  }

  function searchBundle(client, query) {
    return client.request(query, { pageLimit: 1 }).then((bundle) =>
      (bundle.entry || []).map((e) => e.resource).filter((r) => r && r.resourceType === 'Observation'));
  }

  // ---------------------------------------------------------------------------------------

  async function run() {
    if (typeof FHIR === 'undefined' || !FHIR.oauth2) throw new Error('fhirclient.js did not load.');
    let client;
    try {
      client = await FHIR.oauth2.ready();
    } catch (e) {
      showError('The launch failed. Launch the app again from the EHR (or open launch.html).', e);
      return;
    }
    const token = client.state.tokenResponse || {};
    setState('loading', 'Loading patient data…');
    const styled = applyStyle(token.smart_style_url);
    renderDeveloperView(client, token, null);

    const patientId = client.patient.id;
    if (!patientId) {
      await styled;
      showError('No patient in context: the authorization did not select a patient, so there is ' +
        'nothing to show. Launch the app with a patient open, or choose one when asked.', null);
      return;
    }

    const base = `Observation?patient=${encodeURIComponent(patientId)}&_sort=-date&_count=50`;
    const failures = [];
    const guard = (what, promise) => promise.catch((error) => {
      failures.push({ what, error });
      return null;
    });
    const [patient, vitals, labs, encounter] = await Promise.all([
      guard('the patient', client.patient.read()),
      guard('vital signs', searchBundle(client, `${base}&category=vital-signs`)),
      guard('lab results', searchBundle(client, `${base}&category=laboratory`)),
      client.encounter.id ? guard('the encounter', client.encounter.read()) : Promise.resolve(null),
      styled,
    ]);

    if (patient) renderPatient(patient, token.need_patient_banner !== false);
    if (encounter) renderContext(client, token, encounterSummary(encounter));
    if (vitals || labs) {
      renderObservations('vitals', vitals || [], false, 'No vital signs recorded.');
      renderObservations('labs', labs || [], true, 'No lab results recorded.');
      $('clinical').hidden = false;
    }
    if (failures.length > 0) {
      showFhirErrors(failures);
      return;
    }
    setState('ready', 'Ready');
  }

  run().catch((e) => showError('Something went wrong.', e));
})();
