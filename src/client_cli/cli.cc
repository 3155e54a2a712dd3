#include "client_cli/cli.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "ember/client/client.h"

namespace ember::client_cli {

namespace {

using namespace ember::client;

constexpr const char* kDefaultScope = "openid fhirUser launch/patient offline_access patient/*.rs";

struct KeyOptions {
  std::string key_file;
  std::string kid;
  std::string alg = "RS384";
};

void add_key_options(CLI::App* cmd, KeyOptions& k, bool required) {
  auto* key = cmd->add_option("--key", k.key_file, "PEM private key for private_key_jwt")
                  ->check(CLI::ExistingFile);
  if (required) key->required();
  cmd->add_option("--kid", k.kid, "key id in the assertion header (default: JWK thumbprint)");
  cmd->add_option("--alg", k.alg, "assertion algorithm")
      ->check(CLI::IsMember({"RS384", "ES384"}))
      ->capture_default_str();
}

Result<ClientCredentials> credentials_for(const std::string& client_id, const std::string& secret,
                                          const KeyOptions& k) {
  if (!k.key_file.empty()) {
    return ClientCredentials::with_private_key_file(
        client_id, k.key_file, k.alg == "ES384" ? SigningAlg::ES384 : SigningAlg::RS384, k.kid);
  }
  if (!secret.empty()) return ClientCredentials::with_secret(client_id, secret);
  return ClientCredentials::public_client(client_id);
}

int report(const Error& e, std::ostream& err) {
  err << e.describe() << std::endl;
  return e.kind == ErrorKind::InvalidArgument ? kExitUsage : kExitError;
}

Services services_with(const std::string& ca_file) {
  TransportOptions t;
  t.ca_file = ca_file;
  return Services::system(t);
}

std::string context_json(const Session& s) {
  const LaunchContext& c = s.context();
  // JSON string literal (control characters dropped: none belong in these values).
  auto quote = [](const std::string& v) {
    std::string q = "\"";
    for (char ch : v) {
      if (ch == '"' || ch == '\\') q += '\\';
      if (static_cast<unsigned char>(ch) < 0x20) continue;
      q += ch;
    }
    return q + "\"";
  };
  std::string text = "{\"fhir_base\":" + quote(s.fhir_base()) + ",\"patient\":" + quote(c.patient) +
         ",\"encounter\":" + quote(c.encounter) + ",\"fhirUser\":" + quote(c.fhir_user) +
         ",\"scope\":" + quote(c.scope);
  if (!c.fhir_context.is_null()) text += ",\"fhirContext\":" + c.fhir_context.dump();
  const auto state = s.state();
  if (state.tokens.expires_at) {
    text += ",\"expires_at\":" +
            std::to_string(std::chrono::duration_cast<std::chrono::seconds>(
                               state.tokens.expires_at->time_since_epoch())
                               .count());
  }
  text += ",\"refresh_token\":" + std::string(state.tokens.refresh_token.empty() ? "false" : "true");
  text += "}";
  auto parsed = Json::parse(text);
  return parsed ? parsed->pretty() : text;
}

}  // namespace

int run(int argc, char** argv, std::ostream& out, std::ostream& err) {
  CLI::App app{"ember-client: a SMART on FHIR client for the terminal (any SMART server)"};
  app.require_subcommand(1);
  app.set_help_all_flag("--help-all", "Show every subcommand's options");
  std::string token_file = default_token_file();
  std::string ca_file;
  auto add_common = [&](CLI::App* cmd) {
    cmd->add_option("--token-file", token_file, "where tokens are kept (mode 0600)")
        ->capture_default_str();
    cmd->add_option("--ca-file", ca_file, "PEM trust anchors instead of the system store");
  };

  // login
  std::string fhir, client_id, scope = kDefaultScope, secret;
  KeyOptions key;
  bool no_browser = false;
  int timeout_s = 300;
  std::uint16_t port = 0;
  auto* login = app.add_subcommand("login", "standalone launch in the system browser; stores tokens");
  login->add_option("--fhir", fhir, "FHIR base URL")->required();
  login->add_option("--client-id", client_id, "registered client_id")->required();
  login->add_option("--scope", scope, "scopes to ask for")->capture_default_str();
  auto* secret_opt = login->add_option("--client-secret", secret, "client_secret_basic secret");
  add_key_options(login, key, false);
  login->get_option("--key")->excludes(secret_opt);
  login->add_flag("--no-browser", no_browser, "print the URL instead of opening a browser");
  login->add_option("--timeout", timeout_s, "seconds to wait for the browser")
      ->check(CLI::Range(1, 3600))
      ->capture_default_str();
  login->add_option("--port", port,
                    "fixed loopback port (default: any free port, RFC 8252 §7.3)");
  add_common(login);

  auto* token = app.add_subcommand("token", "print the current access token (refreshed when needed)");
  add_common(token);

  std::string path;
  bool all = false;
  std::size_t max_pages = kDefaultMaxPages;
  auto* get = app.add_subcommand(
      "get", "FHIR GET relative to the stored FHIR base; pretty JSON on stdout");
  get->add_option("PATH", path, "e.g. Patient/alice or 'Observation?patient=alice'")->required();
  get->add_flag("--all", all,
                "follow Bundle next links and print ONE searchset Bundle with every entry");
  get->add_option("--max-pages", max_pages, "most pages followed with --all")
      ->capture_default_str();
  add_common(get);

  std::string b_fhir, b_client_id, b_scope;
  KeyOptions b_key;
  std::vector<std::string> b_request;
  auto* backend = app.add_subcommand(
      "backend", "SMART Backend Services: print a system token, or perform `GET PATH` with it");
  backend->add_option("--fhir", b_fhir, "FHIR base URL")->required();
  backend->add_option("--client-id", b_client_id, "registered client_id")->required();
  backend->add_option("--scope", b_scope, "e.g. system/Patient.rs")->required();
  add_key_options(backend, b_key, true);
  backend->add_option("REQUEST", b_request, "optional: GET PATH")->expected(0, 2);
  backend->add_option("--ca-file", ca_file, "PEM trust anchors instead of the system store");

  KeyOptions j_key;
  auto* jwks = app.add_subcommand("jwks", "print the public JWK Set to register for a key");
  add_key_options(jwks, j_key, true);

  auto* logout = app.add_subcommand("logout", "revoke the tokens and delete the token file");
  add_common(logout);
  auto* whoami = app.add_subcommand("whoami", "print the launch context (patient, fhirUser, scope)");
  add_common(whoami);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e, out, err);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e, out, err);
  } catch (const CLI::ParseError& e) {
    app.exit(e, out, err);
    return kExitUsage;
  }

  if (*login) {
    auto creds = credentials_for(client_id, secret, key);
    if (!creds) return report(creds.error(), err);
    AppConfig config;
    config.fhir_base = fhir;
    config.credentials = std::move(*creds);
    config.scope = scope;
    config.services = services_with(ca_file);
    config.store = file_token_store(token_file);
    LoopbackOptions options;
    options.port = port;
    options.timeout = std::chrono::seconds(timeout_s);
    auto session = standalone_launch(
        config,
        [&](const std::string& url, const std::string& redirect_uri) {
          out << "Open this URL in a browser: " << url << std::endl;
          if (!no_browser && open_system_browser(url)) out << "(opened the system browser)\n";
          out << "Waiting for the redirect on " << redirect_uri << std::endl;
        },
        options);
    if (!session) return report(session.error(), err);
    out << "Logged in";
    if (!session->fhir_user().empty()) out << " as " << session->fhir_user();
    if (!session->patient().empty()) out << ", patient " << session->patient();
    out << ". Tokens saved to " << token_file << std::endl;
    return kExitOk;
  }

  if (*backend) {
    if (!b_request.empty()) {
      std::string verb = b_request[0];
      std::transform(verb.begin(), verb.end(), verb.begin(), ::toupper);
      if (b_request.size() != 2 || verb != "GET") {
        err << "usage: ember-client backend ... [GET PATH]" << std::endl;
        return kExitUsage;
      }
    }
    auto creds = credentials_for(b_client_id, "", b_key);
    if (!creds) return report(creds.error(), err);
    AppConfig config;
    config.fhir_base = b_fhir;
    config.credentials = std::move(*creds);
    config.scope = b_scope;
    config.services = services_with(ca_file);
    auto session = backend_services(config);
    if (!session) return report(session.error(), err);
    if (b_request.empty()) {
      auto t = session->access_token();
      if (!t) return report(t.error(), err);
      out << *t << std::endl;
      return kExitOk;
    }
    auto res = session->fhir().get(b_request[1]);
    if (!res) return report(res.error(), err);
    out << res->pretty() << std::endl;
    return kExitOk;
  }

  if (*jwks) {
    auto creds = credentials_for("jwks", "", j_key);
    if (!creds) return report(creds.error(), err);
    auto text = public_jwks(*creds);
    if (!text) return report(text.error(), err);
    out << *text << std::endl;
    return kExitOk;
  }

  // The remaining commands work on the stored session.
  auto store = file_token_store(token_file);
  auto session = Session::resume(store, services_with(ca_file));
  if (!session) {
    if (*logout && session.error().kind == ErrorKind::NotAuthenticated) {
      out << "Not logged in." << std::endl;
      return kExitOk;
    }
    return report(session.error(), err);
  }

  if (*token) {
    auto t = session->access_token();
    if (!t) return report(t.error(), err);
    out << *t << std::endl;
    return kExitOk;
  }
  if (*get) {
    FhirClient fhir_client = session->fhir();
    auto res = all ? fhir_client.search(path, {}, max_pages) : fhir_client.get(path);
    if (!res) return report(res.error(), err);
    out << res->pretty() << std::endl;
    return kExitOk;
  }
  if (*whoami) {
    out << context_json(*session) << std::endl;
    return kExitOk;
  }
  if (*logout) {
    auto done = session->logout();
    if (!done) return report(done.error(), err);
    out << "Logged out; tokens revoked and " << token_file << " deleted." << std::endl;
    return kExitOk;
  }
  return kExitUsage;
}

}  // namespace ember::client_cli
