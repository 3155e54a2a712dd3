#include "app/admin_commands.h"

#include <iostream>
#include <memory>
#include <optional>

#include "app/commands.h"
#include "core/clock.h"
#include "core/encoding.h"
#include "core/random.h"
#include "oauth/passwords.h"
#include "oauth/signing_keys.h"
#include "store/auth_store.h"

namespace ember::app {

namespace {

constexpr int kDefaultRegistrationTokenTtlDays = 7;
constexpr int kMaxRegistrationTokenTtlDays = 365;
constexpr std::int64_t kMsPerDay = 24LL * 3600 * 1000;

struct ClientArgs {
  std::string id, name, type = "public", secret, launch_url, scope, jwks, jwks_uri, logo_uri;
  std::string mode;  // "" = unknown (then --auto-approve is stored; production ignores it)
  std::vector<std::string> redirect_uris, origins;
  bool generate_secret = false;
  bool auto_approve = false;
};

std::optional<store::ClientType> parse_type(const std::string& t) {
  if (t == "public") return store::ClientType::Public;
  if (t == "confidential-symmetric" || t == "symmetric")
    return store::ClientType::ConfidentialSymmetric;
  if (t == "confidential-asymmetric" || t == "asymmetric")
    return store::ClientType::ConfidentialAsymmetric;
  if (t == "backend") return store::ClientType::Backend;
  return std::nullopt;
}

std::string type_name(store::ClientType t) {
  switch (t) {
    case store::ClientType::Public:
      return "public";
    case store::ClientType::ConfidentialSymmetric:
      return "confidential-symmetric";
    case store::ClientType::ConfidentialAsymmetric:
      return "confidential-asymmetric";
    case store::ClientType::Backend:
      return "backend";
  }
  return "?";
}

// `detailed` (clients show) prints every field, also the empty ones; the list only what is set.
void print_client(const store::ClientRecord& c, bool detailed = false) {
  std::cout << c.client_id << "\t" << type_name(c.type) << "\t" << c.name << "\n";
  for (const auto& r : c.redirect_uris) std::cout << "  redirect_uri: " << r << "\n";
  if (!c.launch_url.empty() || detailed) {
    std::cout << "  launch_url:   " << (c.launch_url.empty() ? "(none)" : c.launch_url) << "\n";
  }
  std::cout << "  scope:        " << c.allowed_scopes << "\n";
  for (const auto& o : c.allowed_origins) std::cout << "  origin:       " << o << "\n";
  if (!c.jwks_uri.empty()) std::cout << "  jwks_uri:     " << c.jwks_uri << "\n";
  if (detailed && !c.jwks.empty()) std::cout << "  jwks:         " << c.jwks << "\n";
  if (detailed && !c.logo_uri.empty()) std::cout << "  logo_uri:     " << c.logo_uri << "\n";
  if (c.auto_approve || detailed) {
    std::cout << "  auto_approve: " << (c.auto_approve ? "yes (sandbox only)" : "no") << "\n";
  }
}

}  // namespace

std::function<int(const std::string&)> add_admin_commands(CLI::App& app) {
  auto* clients = app.add_subcommand("clients", "manage registered apps (OAuth clients)");
  clients->require_subcommand(1);
  auto args = std::make_shared<ClientArgs>();
  auto* add = clients->add_subcommand("add", "register an app");
  add->add_option("--id", args->id, "client_id")->required();
  add->add_option("--name", args->name, "name shown on the consent page")->required();
  add->add_option("--type", args->type,
                  "public, confidential-symmetric, confidential-asymmetric or backend");
  add->add_option("--redirect-uri", args->redirect_uris, "exact redirect URI (repeatable)");
  add->add_option("--launch-url", args->launch_url, "EHR launch URL");
  add->add_option("--scope", args->scope, "scopes the app may be granted (space-separated)")
      ->required();
  add->add_option("--secret", args->secret, "client secret (confidential-symmetric)");
  add->add_flag("--generate-secret", args->generate_secret, "generate and print a client secret");
  add->add_option("--origin", args->origins, "allowed browser origin (repeatable)");
  add->add_option("--jwks", args->jwks, "inline JWKS JSON (asymmetric/backend)");
  add->add_option("--jwks-uri", args->jwks_uri, "JWKS URL (asymmetric/backend)");
  add->add_option("--logo-uri", args->logo_uri, "logo shown in the app registry and consent page");
  add->add_flag("--auto-approve", args->auto_approve,
                "sandbox: an EHR launch naming its user skips sign-in and consent (for CI)");
  // Only --auto-approve depends on the mode: the flag is refused when the mode is known to be
  // production (the authorization flow ignores it in production anyway).
  add->add_option("--mode", args->mode,
                  "sandbox or production (refuses --auto-approve in production)")
      ->envname("EMBER_MODE");
  auto* list = clients->add_subcommand("list", "list registered apps");
  auto* show = clients->add_subcommand("show", "show one app");
  show->add_option("id", args->id)->required();
  auto* rm = clients->add_subcommand("rm", "remove an app");
  rm->add_option("id", args->id)->required();

  auto* keys = app.add_subcommand("keys", "signing keys");
  keys->require_subcommand(1);
  auto* keys_list = keys->add_subcommand("list", "list signing keys");
  auto* keys_rotate = keys->add_subcommand(
      "rotate", "create new signing keys; old ones stay published until their tokens expire");

  // RFC 7591 §3: the initial access token production mode requires at POST /oauth/register.
  auto* reg = app.add_subcommand("registration-token", "initial access tokens for registration");
  reg->require_subcommand(1);
  auto ttl_days = std::make_shared<int>(kDefaultRegistrationTokenTtlDays);
  auto* reg_create = reg->add_subcommand(
      "create", "create and print an initial access token for dynamic client registration");
  reg_create->add_option("--ttl-days", *ttl_days, "days until the token expires")
      ->check(CLI::Range(1, kMaxRegistrationTokenTtlDays));

  for (auto* c : {add, list, show, rm, keys_list, keys_rotate, reg_create}) {
    c->add_option("--store", "store URL (default sqlite:var/ember.db)")->envname("EMBER_STORE");
  }
  for (auto* c : {keys_list, keys_rotate}) {
    c->add_option("--key-encryption-key",
                  "secret sealing the signing keys at rest (prefer EMBER_KEY_ENCRYPTION_KEY)")
        ->envname("EMBER_KEY_ENCRYPTION_KEY");
  }

  return [=](const std::string& default_store) -> int {
    CLI::App* used = nullptr;
    for (auto* c : {add, list, show, rm, keys_list, keys_rotate, reg_create}) {
      if (c->parsed()) used = c;
    }
    if (!used) return -1;
    std::string url = default_store;
    if (auto* o = used->get_option("--store"); o->count() > 0) url = o->as<std::string>();
    auto store = store::open_auth_store(store::StoreOptions{url});
    if (!store) {
      std::cerr << "ember: cannot open store " << url << ": " << store.error().message << "\n";
      return kExitFailure;
    }
    auto& st = **store;
    SystemClock clock;
    if (used == add) {
      auto type = parse_type(args->type);
      if (!type) {
        std::cerr << "ember: unknown client type '" << args->type << "'\n";
        return kExitUsage;
      }
      if (args->auto_approve && args->mode == "production") {
        std::cerr << "ember: --auto-approve is a sandbox feature; it is refused in production "
                     "mode\n";
        return kExitUsage;
      }
      if (args->auto_approve && *type == store::ClientType::Backend) {
        std::cerr << "ember: --auto-approve does not apply to a backend client (it has no "
                     "sign-in)\n";
        return kExitUsage;
      }
      store::ClientRecord c;
      c.client_id = args->id;
      c.name = args->name;
      c.type = *type;
      c.redirect_uris = args->redirect_uris;
      c.launch_url = args->launch_url;
      c.allowed_scopes = args->scope;
      c.allowed_origins = args->origins;
      c.jwks = args->jwks;
      c.jwks_uri = args->jwks_uri;
      c.logo_uri = args->logo_uri;
      c.auto_approve = args->auto_approve;
      c.created_ms = clock.now_ms();
      auto random = make_system_random();
      std::string secret = args->secret;
      if (*type == store::ClientType::ConfidentialSymmetric) {
        if (secret.empty() && args->generate_secret) secret = random->token(32);
        if (secret.empty()) {
          std::cerr
              << "ember: a confidential-symmetric client needs --secret or --generate-secret\n";
          return kExitUsage;
        }
        c.secret_hash = oauth::hash_password(secret, *random);
      }
      if (*type != store::ClientType::Backend && c.redirect_uris.empty()) {
        std::cerr << "ember: at least one --redirect-uri is required\n";
        return kExitUsage;
      }
      if (auto r = st.put_client(c); !r) {
        std::cerr << "ember: " << r.error().message << "\n";
        return kExitFailure;
      }
      std::cout << "registered " << c.client_id << "\n";
      if (args->generate_secret) std::cout << "client_secret: " << secret << "\n";
      return kExitOk;
    }
    if (used == list) {
      auto all = st.list_clients();
      if (!all) return kExitFailure;
      for (const auto& c : *all) print_client(c);
      return kExitOk;
    }
    if (used == show) {
      auto c = st.get_client(args->id);
      if (!c) {
        std::cerr << "ember: no client " << args->id << "\n";
        return kExitFailure;
      }
      print_client(*c, true);
      return kExitOk;
    }
    if (used == rm) {
      if (auto r = st.delete_client(args->id); !r) return kExitFailure;
      std::cout << "removed " << args->id << "\n";
      return kExitOk;
    }
    if (used == reg_create) {
      // Only the hash is stored; it must equal AuthServerImpl::hash_token (base64url SHA-256).
      auto random = make_system_random();
      const std::string token = random->token(32);
      const std::int64_t expires_ms = clock.now_ms() + std::int64_t{*ttl_days} * kMsPerDay;
      if (auto r = st.put_initial_access_token(base64url_encode(sha256(token)), expires_ms); !r) {
        std::cerr << "ember: " << r.error().message << "\n";
        return kExitFailure;
      }
      std::cout << token << "\n";
      std::cerr << "initial access token valid until " << format_instant(expires_ms)
                << "; send it as 'Authorization: Bearer <token>' to POST /oauth/register\n";
      return kExitOk;
    }
    if (used == keys_rotate) {
      std::optional<oauth::KeyEncryption> kek;
      if (auto* o = used->get_option("--key-encryption-key"); o->count() > 0) {
        auto k = oauth::KeyEncryption::from_secret(o->as<std::string>());
        if (!k) {
          std::cerr << "ember: " << k.error() << "\n";
          return kExitFailure;
        }
        kek = *k;
      }
      // Opening the keys creates the first ones, seals clear ones (with a key encryption key),
      // and refuses sealed keys it cannot open, before anything new is written.
      auto opened = oauth::open_signing_keys(st, clock, kek ? &*kek : nullptr);
      if (!opened) {
        std::cerr << "ember: " << opened.error() << "\n";
        return kExitFailure;
      }
      if (auto r = oauth::rotate_signing_keys(st, clock, kek ? &*kek : nullptr); !r) {
        std::cerr << "ember: " << r.error() << "\n";
        return kExitFailure;
      }
      std::cout << "rotated: new keys sign from now on; old keys stay published for "
                << oauth::kRetiredKeyGraceMs / 1000 << " s\n";
    }
    auto all = st.list_keys();
    if (!all) return kExitFailure;
    for (const auto& k : *all) {
      std::cout << k.kid << "\t" << k.alg << "\t" << (k.retired_ms ? "retired" : "active") << "\n";
    }
    return kExitOk;
  };
}

}  // namespace ember::app
