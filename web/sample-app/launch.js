// Sample App, launch page: starts the SMART authorization (SMART App Launch 2.2, "EHR launch"
// and "standalone launch") with fhirclient.js, which discovers the server's endpoints from
// {iss}/.well-known/smart-configuration and redirects to its authorization endpoint with PKCE.
'use strict';

(function launch() {
  const kClientId = 'ember-sample-app';
  // Everything but `launch`, which only an EHR launch may ask for (see scopeFor).
  const kScopes = 'launch/patient launch/encounter openid fhirUser patient/*.rs user/*.rs online_access';

  const params = new URLSearchParams(window.location.search);

  // fhirclient sends the scope it is given as is: it adds `launch` for an EHR launch only when
  // no scope mentions "launch" (ours do: launch/patient), and never removes it for a standalone
  // launch. So the scope is built from the URL: `launch` only with a `launch` parameter.
  function scopeFor(urlParams) {
    return urlParams.has('launch') ? `launch ${kScopes}` : kScopes;
  }

  function showError(error) {
    const box = document.getElementById('error');
    box.textContent = '';
    const title = document.createElement('strong');
    title.textContent = 'The app could not connect to the EHR. ';
    box.append(title, document.createTextNode(String((error && error.message) || error)));
    box.hidden = false;
    document.getElementById('connecting').hidden = true;
    document.getElementById('status').textContent = 'Error';
    document.body.dataset.state = 'error';
  }

  if (typeof FHIR === 'undefined' || !FHIR.oauth2) {
    showError(new Error('fhirclient.js did not load.'));
    return;
  }

  // Without `iss` (the page opened directly), the FHIR server is the one that serves this app:
  // Ember serves it at {base}/apps/sample/ and its FHIR API at {base}/fhir. fhirclient reads
  // `iss` (and its development-only `fhirServiceUrl`) from the URL itself when present.
  const serverInUrl = params.has('iss') || params.has('fhirServiceUrl');
  const defaultIss = serverInUrl ? undefined : new URL('../../fhir', window.location.href).href;

  FHIR.oauth2
    .authorize({
      clientId: kClientId,
      scope: scopeFor(params),
      redirectUri: './',
      iss: defaultIss,
      // Complete the authorization in this window even inside the EHR's iframe (the app runs
      // there), rather than handing it to the parent window.
      completeInTarget: true,
      // Ember requires S256 PKCE (RFC 7636); refuse a server that does not advertise it.
      pkceMode: 'required',
    })
    .catch(showError);
})();
