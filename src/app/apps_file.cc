#include "app/apps_file.h"

#include <boost/json.hpp>
#include <fstream>
#include <iterator>
#include <optional>
#include <set>
#include <vector>

#include "core/clock.h"
#include "oauth/client_metadata.h"
#include "oauth/passwords.h"

namespace ember::app {

namespace bj = boost::json;

namespace {

constexpr std::size_t kMaxSecretLength = 512;

// How messages name an entry: its client_id when it has a usable one, else its position.
std::string entry_name(const bj::value& entry, std::size_t index) {
  if (const auto* o = entry.if_object()) {
    if (const auto* id = o->if_contains("client_id"); id && id->is_string() &&
                                                      !id->get_string().empty()) {
      return "app '" + std::string(id->get_string().subview().substr(0, kMaxClientIdLength)) + "'";
    }
  }
  return "app #" + std::to_string(index + 1);
}

// A client_id the portal, URLs and logs can carry: printable ASCII without spaces.
bool valid_client_id(std::string_view id) {
  if (id.empty() || id.size() > kMaxClientIdLength) return false;
  for (const char ch : id) {
    if (ch < 0x21 || ch > 0x7e) return false;
  }
  return true;
}

// One entry of the file, checked, with the secret it carries (if any) still in clear.
struct Entry {
  store::ClientRecord record;
  std::optional<std::string> secret;
};

Result<Entry, std::string> read_entry(const bj::value& v, bool sandbox) {
  if (!v.is_object()) return fail(std::string("must be a JSON object"));
  const bj::object& o = v.get_object();
  const bj::value* id = o.if_contains("client_id");
  if (id == nullptr || !id->is_string()) return fail(std::string("client_id is required"));
  if (!valid_client_id(id->get_string())) {
    return fail("client_id must be 1 to " + std::to_string(kMaxClientIdLength) +
                " printable ASCII characters without spaces");
  }
  auto record = oauth::validate_client_metadata(v, oauth::MetadataPolicy{.sandbox = sandbox});
  if (!record) return fail(record.error().description);
  Entry e{std::move(*record), std::nullopt};
  e.record.client_id = std::string(id->get_string());

  if (const bj::value* s = o.if_contains("client_secret"); s && !s->is_null()) {
    if (!s->is_string() || s->get_string().empty() || s->get_string().size() > kMaxSecretLength) {
      return fail("client_secret must be a string of 1 to " + std::to_string(kMaxSecretLength) +
                  " characters");
    }
    if (e.record.type != store::ClientType::ConfidentialSymmetric) {
      return fail(std::string(
          "client_secret is only for client_secret_basic or client_secret_post apps"));
    }
    e.secret = std::string(s->get_string());
  }
  if (const bj::value* a = o.if_contains("auto_approve"); a && !a->is_null()) {
    if (!a->is_bool()) return fail(std::string("auto_approve must be true or false"));
    e.record.auto_approve = a->get_bool();
  }
  if (e.record.auto_approve && !sandbox) {
    return fail(std::string("auto_approve is a sandbox feature; this server runs in production mode"));
  }
  if (e.record.auto_approve && e.record.type == store::ClientType::Backend) {
    return fail(std::string("auto_approve does not apply to a backend service (it has no sign-in)"));
  }
  return e;
}

}  // namespace

Result<int, std::string> load_apps_json(std::string_view text, store::AuthStore& store,
                                        Random& random, bool sandbox, std::int64_t now_ms) {
  if (text.size() > kMaxAppsFileBytes) {
    return fail("is larger than " + std::to_string(kMaxAppsFileBytes) + " bytes");
  }
  boost::system::error_code ec;
  bj::value doc = bj::parse(text, ec);
  if (ec) return fail("is not valid JSON (" + ec.message() + ")");
  const bj::value* apps = doc.is_object() ? doc.get_object().if_contains("apps") : nullptr;
  if (apps == nullptr || !apps->is_array()) {
    return fail(std::string("must be a JSON object with an \"apps\" array"));
  }
  if (apps->get_array().size() > kMaxAppsInFile) {
    return fail("has more than " + std::to_string(kMaxAppsInFile) + " apps");
  }

  // Check everything first: a broken file writes nothing.
  std::vector<Entry> entries;
  std::set<std::string> ids;
  const auto& list = apps->get_array();
  for (std::size_t i = 0; i < list.size(); ++i) {
    auto entry = read_entry(list[i], sandbox);
    if (!entry) return fail(entry_name(list[i], i) + ": " + entry.error());
    if (!ids.insert(entry->record.client_id).second) {
      return fail(entry_name(list[i], i) + ": client_id appears more than once");
    }
    entries.push_back(std::move(*entry));
  }

  // Merge with what is stored: an update keeps creation time, RFC 7592 token, browser origins
  // and (without a new secret) the secret hash.
  for (std::size_t i = 0; i < entries.size(); ++i) {
    store::ClientRecord& c = entries[i].record;
    const auto& secret = entries[i].secret;
    auto current = store.get_client(c.client_id);
    if (!current && current.error().code != store::StoreErrc::NotFound) {
      return fail("cannot read the store: " + current.error().message);
    }
    c.created_ms = current ? current->created_ms : now_ms;
    if (current) {
      c.registration_token_hash = current->registration_token_hash;
      c.allowed_origins = current->allowed_origins;
    }
    if (c.type == store::ClientType::ConfidentialSymmetric) {
      const std::string existing = current ? current->secret_hash : std::string();
      if (secret) {
        // The same secret again keeps its hash, so a reload changes nothing.
        c.secret_hash = !existing.empty() && oauth::verify_password(*secret, existing)
                            ? existing
                            : oauth::hash_password(*secret, random);
      } else if (!existing.empty()) {
        c.secret_hash = existing;
      } else {
        return fail(entry_name(list[i], i) +
                    ": client_secret is required for a client_secret_basic or "
                    "client_secret_post app that is not registered yet");
      }
    }
  }
  for (const auto& e : entries) {
    if (auto put = store.put_client(e.record); !put) {
      return fail("cannot save app '" + e.record.client_id + "': " + put.error().message);
    }
  }
  return static_cast<int>(entries.size());
}

Result<int, std::string> load_apps_file(const std::string& path, store::AuthStore& store,
                                        Random& random, bool sandbox) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail("apps file " + path + ": cannot be read");
  std::string text;
  text.reserve(4096);
  std::istreambuf_iterator<char> it(in), end;
  for (; it != end && text.size() <= kMaxAppsFileBytes; ++it) text.push_back(*it);
  if (in.bad()) return fail("apps file " + path + ": cannot be read");
  SystemClock clock;
  auto loaded = load_apps_json(text, store, random, sandbox, clock.now_ms());
  if (!loaded) return fail("apps file " + path + ": " + loaded.error());
  return *loaded;
}

}  // namespace ember::app
