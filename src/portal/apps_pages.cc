// The app registry under /ehr/apps, for practitioners: the list of every registered client (CLI,
// apps file, RFC 7591 or this page), register, edit, a new client secret (shown once), delete
// after a confirmation page. The form's rules are oauth::validate_client_metadata's (app_form.h);
// every POST carries the session's CSRF token.
#include <algorithm>
#include <cctype>

#include "ehr/registry_views.h"
#include "oauth/client_metadata.h"
#include "oauth/passwords.h"
#include "portal/app_form.h"
#include "portal/portal.h"

namespace ember::portal {

namespace {

constexpr std::string_view kAppsPath = "/ehr/apps";
// The same sizes as RFC 7591 registration (registration_endpoint.cc) and `ember clients add`.
constexpr std::size_t kClientIdBytes = 16;      // 128 bits
constexpr std::size_t kClientSecretBytes = 32;  // 256 bits

// What a path under /ehr/apps/ asks for.
enum class AppAction { Edit, Secret, Delete };
struct AppTarget {
  std::string client_id;
  AppAction action = AppAction::Edit;
};

// "/ehr/apps/{id}", "/ehr/apps/{id}/secret", "/ehr/apps/{id}/delete", with {id} one
// percent-encoded segment (client ids may contain '/', encoded as %2F). nullopt otherwise.
std::optional<AppTarget> parse_app_target(const http::Request& req) {
  auto t = http::parse_target(std::string_view(req.target().data(), req.target().size()));
  const std::string prefix = std::string(kAppsPath) + "/";
  if (!t || !t->raw_path.starts_with(prefix)) return std::nullopt;
  std::string_view rest = std::string_view(t->raw_path).substr(prefix.size());
  AppTarget out;
  if (auto slash = rest.find('/'); slash != std::string_view::npos) {
    const std::string_view tail = rest.substr(slash + 1);
    if (tail == "secret") {
      out.action = AppAction::Secret;
    } else if (tail == "delete") {
      out.action = AppAction::Delete;
    } else {
      return std::nullopt;
    }
    rest = rest.substr(0, slash);
  }
  if (rest.empty()) return std::nullopt;
  // Decode the one segment through the target parser (it validates the %-escapes).
  auto decoded = http::parse_target("/" + std::string(rest));
  if (!decoded || decoded->path.size() < 2) return std::nullopt;
  out.client_id = decoded->path.substr(1);
  return out;
}

std::string app_path(const std::string& client_id) {
  return std::string(kAppsPath) + "/" + http::percent_encode(client_id);
}

bool name_less(const store::ClientRecord& a, const store::ClientRecord& b) {
  auto lower = [](std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
  };
  const auto la = lower(a.name);
  const auto lb = lower(b.name);
  return la != lb ? la < lb : a.client_id < b.client_id;
}

class AppsPages {
 public:
  explicit AppsPages(Portal& portal) : p_(portal) {}

  http::Response list(const http::Request& req) {
    auto s = p_.require_practitioner(req);
    if (!s) return std::move(s.error());
    auto clients = p_.auth.list_clients();
    if (!clients) return busy(req, *s);
    std::sort(clients->begin(), clients->end(), name_less);
    ehr::AppListView v;
    for (const auto& c : *clients) {
      v.apps.push_back({c.client_id, c.name, c.logo_uri, std::string(client_type_words(c.type)),
                        c.launch_url, c.redirect_uris, c.allowed_scopes,
                        shorten_scopes(c.allowed_scopes), c.auto_approve});
    }
    if (param_or(query_of(req), "deleted") == "1") v.notice = "The app was deleted.";
    return p_.page(req, 200, ehr::render_app_list(shell(*s, "Apps", true), v));
  }

  http::Response new_form(const http::Request& req) {
    auto s = p_.require_practitioner(req);
    if (!s) return std::move(s.error());
    return form_page(req, *s, 200, base_form(*s));
  }

  http::Response create(const http::Request& req) {
    auto s = p_.require_practitioner(req);
    if (!s) return std::move(s.error());
    auto form = p_.checked_form(req, *s);
    if (!form) return std::move(form.error());
    ehr::AppFormView v = base_form(*s);
    v.fields = app_form_from_params(*form);
    auto record = validate_app_form(v.fields, p_.opt.sandbox);
    if (!record) return form_error(req, *s, std::move(v), record.error());

    store::ClientRecord& c = *record;
    c.client_id = p_.random.token(kClientIdBytes);
    c.created_ms = p_.clock.now_ms();
    std::string secret;
    if (c.type == store::ClientType::ConfidentialSymmetric) {
      secret = p_.random.token(kClientSecretBytes);
      c.secret_hash = oauth::hash_password(secret, p_.random);
    }
    if (!p_.auth.put_client(c)) {
      return form_error(req, *s, std::move(v), {ehr::AppFormField::None, std::string(kNotSaved)});
    }
    return credentials(req, *s, c, secret, false);
  }

  // Everything under /ehr/apps/{id}.
  http::Response one(const http::Request& req) {
    const bool get = req.method() == bhttp::verb::get || req.method() == bhttp::verb::head;
    if (!get && req.method() != bhttp::verb::post) {
      auto res = p_.error_page(req, 405, "Not allowed", "This page takes GET and POST only.");
      res.set(bhttp::field::allow, "GET, HEAD, POST");
      return res;
    }
    auto s = p_.require_practitioner(req);
    if (!s) return std::move(s.error());
    auto target = parse_app_target(req);
    if (!target) return not_found(req, *s);
    if (target->action == AppAction::Secret && get) return not_found(req, *s);

    std::optional<http::QueryParams> form;
    if (!get) {
      auto checked = p_.checked_form(req, *s);
      if (!checked) return std::move(checked.error());
      form = std::move(*checked);
    }
    auto current = p_.auth.get_client(target->client_id);
    if (!current) {
      if (current.error().code == store::StoreErrc::NotFound) return not_found(req, *s);
      return busy(req, *s);
    }
    switch (target->action) {
      case AppAction::Edit:
        return get ? edit_form(req, *s, *current) : update(req, *s, *current, *form);
      case AppAction::Secret:
        return new_secret(req, *s, *current);
      case AppAction::Delete:
        return get ? confirm_delete(req, *s, *current) : remove(req, *s, *current);
    }
    return not_found(req, *s);
  }

 private:
  static constexpr std::string_view kNotSaved =
      "The app could not be saved because the store is busy. Please try again.";

  ehr::PortalShell shell(const oauth::Session& s, std::string title, bool full = false) const {
    auto sh = p_.shell(s, std::move(title), ehr::PortalSection::Apps);
    sh.full_width = full;
    return sh;
  }

  ehr::AppFormView base_form(const oauth::Session& s) const {
    ehr::AppFormView v;
    v.action = std::string(kAppsPath);
    v.csrf = s.record.csrf;
    v.sandbox = p_.opt.sandbox;
    v.default_scope = std::string(oauth::kDefaultAppScope);
    return v;
  }

  http::Response form_page(const http::Request& req, const oauth::Session& s, int status,
                           const ehr::AppFormView& v) const {
    const std::string title = v.client_id.empty() ? "Register an app" : "Edit " + v.app_name;
    return p_.page(req, status, ehr::render_app_form(shell(s, title), v));
  }

  http::Response form_error(const http::Request& req, const oauth::Session& s,
                            ehr::AppFormView v, const AppFormError& e) const {
    v.error_field = e.field;
    v.error = e.message;
    return form_page(req, s, 400, v);
  }

  http::Response credentials(const http::Request& req, const oauth::Session& s,
                             const store::ClientRecord& c, const std::string& secret,
                             bool regenerated) const {
    ehr::AppCredentialsView v;
    v.client_id = c.client_id;
    v.name = c.name;
    v.secret = secret;
    v.regenerated = regenerated;
    v.sandbox = p_.opt.sandbox;
    v.launchable = c.type != store::ClientType::Backend;
    const std::string title = regenerated ? "New secret for " + c.name : c.name + " is registered";
    return p_.page(req, 200, ehr::render_app_credentials(shell(s, title), v));
  }

  http::Response edit_form(const http::Request& req, const oauth::Session& s,
                           const store::ClientRecord& c) const {
    ehr::AppFormView v = base_form(s);
    v.action = app_path(c.client_id);
    v.client_id = c.client_id;
    v.app_name = c.name;
    v.has_secret = c.type == store::ClientType::ConfidentialSymmetric;
    v.fields = app_form_from_record(c);
    if (param_or(query_of(req), "saved") == "1") v.notice = "Changes saved.";
    return form_page(req, s, 200, v);
  }

  // Replaces the registration with the form's, keeping what the form does not show: the secret
  // (while the app stays a client-secret app), creation time, RFC 7592 registration token,
  // browser origins and contacts.
  http::Response update(const http::Request& req, const oauth::Session& s,
                        const store::ClientRecord& current, const http::QueryParams& form) {
    ehr::AppFormView v = base_form(s);
    v.action = app_path(current.client_id);
    v.client_id = current.client_id;
    v.app_name = current.name;
    v.has_secret = current.type == store::ClientType::ConfidentialSymmetric;
    v.fields = app_form_from_params(form);
    auto record = validate_app_form(v.fields, p_.opt.sandbox);
    if (!record) return form_error(req, s, std::move(v), record.error());

    store::ClientRecord& c = *record;
    c.client_id = current.client_id;
    c.created_ms = current.created_ms;
    c.registration_token_hash = current.registration_token_hash;
    c.allowed_origins = current.allowed_origins;
    c.contacts = current.contacts;
    std::string new_secret;
    if (c.type == store::ClientType::ConfidentialSymmetric) {
      if (current.type == store::ClientType::ConfidentialSymmetric) {
        c.secret_hash = current.secret_hash;
        // client_secret_post (RFC 7591) is a symmetric method the form does not offer: keep it.
        if (oauth::effective_auth_method(current) == "client_secret_post") {
          c.auth_method = current.auth_method;
        }
      }
      if (c.secret_hash.empty()) {  // it just became a client-secret app: it needs a secret
        new_secret = p_.random.token(kClientSecretBytes);
        c.secret_hash = oauth::hash_password(new_secret, p_.random);
      }
    }
    if (!p_.auth.put_client(c)) {
      return form_error(req, s, std::move(v), {ehr::AppFormField::None, std::string(kNotSaved)});
    }
    if (!new_secret.empty()) return credentials(req, s, c, new_secret, true);
    return p_.redirect(req, app_path(c.client_id) + "?saved=1");
  }

  http::Response new_secret(const http::Request& req, const oauth::Session& s,
                            store::ClientRecord c) {
    if (c.type != store::ClientType::ConfidentialSymmetric) {
      return p_.error_page(req, 400, "This app has no client secret",
                           c.name + " does not authenticate with a client secret.", s);
    }
    const std::string secret = p_.random.token(kClientSecretBytes);
    c.secret_hash = oauth::hash_password(secret, p_.random);
    if (!p_.auth.put_client(c)) return busy(req, s);
    return credentials(req, s, c, secret, true);
  }

  http::Response confirm_delete(const http::Request& req, const oauth::Session& s,
                                const store::ClientRecord& c) const {
    ehr::AppDeleteView v{c.client_id, c.name, s.record.csrf};
    return p_.page(req, 200, ehr::render_app_delete(shell(s, "Delete " + c.name), v));
  }

  http::Response remove(const http::Request& req, const oauth::Session& s,
                        const store::ClientRecord& c) {
    if (!p_.auth.delete_client(c.client_id)) return busy(req, s);
    return p_.redirect(req, std::string(kAppsPath) + "?deleted=1");
  }

  http::Response not_found(const http::Request& req, const oauth::Session& s) const {
    return p_.error_page(req, 404, "No such app",
                         "No app with this client ID is registered. It may have been deleted.", s);
  }

  http::Response busy(const http::Request& req, const oauth::Session& s) const {
    return p_.error_page(req, 503, "The EHR is busy",
                         "The app registry could not be read or changed. Please try again.", s);
  }

  Portal& p_;
};

}  // namespace

void mount_apps(http::Router& router, Portal& portal) {
  auto pages = std::make_shared<AppsPages>(portal);
  const std::string path(kAppsPath);
  router.add(bhttp::verb::get, path,
             [pages](const http::Request& req, http::RequestContext&) { return pages->list(req); },
             "ehr_apps");
  router.add(bhttp::verb::post, path,
             [pages](const http::Request& req, http::RequestContext&) { return pages->create(req); },
             "ehr_apps");
  router.add(bhttp::verb::get, path + "/new",
             [pages](const http::Request& req, http::RequestContext&) {
               return pages->new_form(req);
             },
             "ehr_apps");
  router.add_prefix(http::kAnyMethod, path,
                    [pages](const http::Request& req, http::RequestContext&) {
                      return pages->one(req);
                    },
                    "ehr_app");
}

}  // namespace ember::portal
