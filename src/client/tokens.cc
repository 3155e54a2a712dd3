// SessionState's JSON form and the token stores (memory; a 0600 JSON file).
#include "ember/client/tokens.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>

#include <boost/json.hpp>

#include "client/internal.h"

namespace ember::client {

namespace bj = boost::json;

namespace {

constexpr int kFormatVersion = 1;
// A token file is small; anything bigger is not ours.
constexpr std::size_t kMaxTokenFileBytes = 1024 * 1024;

Error storage_error(std::string message, std::string reason = "io") {
  Error e;
  e.kind = ErrorKind::Storage;
  e.message = std::move(message);
  e.reason = std::move(reason);
  return e;
}

void put_if(bj::object& o, std::string_view key, const std::string& value) {
  if (!value.empty()) o[key] = value;
}

}  // namespace

std::vector<std::string> LaunchContext::scopes() const {
  std::vector<std::string> out;
  std::istringstream in(scope);
  for (std::string s; in >> s;) out.push_back(s);
  return out;
}

bool LaunchContext::has_scope(std::string_view wanted) const {
  for (const auto& s : scopes()) {
    if (s == wanted) return true;
  }
  return false;
}

std::string to_json(const SessionState& s) {
  bj::object o;
  o["version"] = kFormatVersion;
  o["fhir_base"] = s.fhir_base;
  put_if(o, "issuer", s.issuer);
  o["token_endpoint"] = s.token_endpoint;
  put_if(o, "revocation_endpoint", s.revocation_endpoint);
  put_if(o, "requested_scope", s.requested_scope);
  if (s.backend) o["backend"] = true;

  bj::object client;
  client["client_id"] = s.credentials.client_id;
  client["auth"] = to_string(s.credentials.auth);
  put_if(client, "client_secret", s.credentials.client_secret);
  if (s.credentials.auth == ClientAuth::PrivateKeyJwt) {
    client["alg"] = to_string(s.credentials.alg);
    put_if(client, "kid", s.credentials.kid);
    if (!s.credentials.key_file.empty()) {
      client["key_file"] = s.credentials.key_file;
    } else {
      client["private_key_pem"] = s.credentials.private_key_pem;
    }
  }
  o["client"] = std::move(client);

  const TokenSet& t = s.tokens;
  bj::object tokens;
  tokens["access_token"] = t.access_token;
  tokens["token_type"] = t.token_type;
  put_if(tokens, "refresh_token", t.refresh_token);
  put_if(tokens, "id_token", t.id_token);
  if (t.expires_at) {
    tokens["expires_at"] =
        std::chrono::duration_cast<std::chrono::seconds>(t.expires_at->time_since_epoch()).count();
  }
  const LaunchContext& c = t.context;
  put_if(tokens, "scope", c.scope);
  put_if(tokens, "patient", c.patient);
  put_if(tokens, "encounter", c.encounter);
  put_if(tokens, "fhirUser", c.fhir_user);
  put_if(tokens, "intent", c.intent);
  put_if(tokens, "smart_style_url", c.smart_style_url);
  put_if(tokens, "tenant", c.tenant);
  if (c.need_patient_banner) tokens["need_patient_banner"] = true;
  if (!c.fhir_context.is_null()) tokens["fhirContext"] = bj::parse(c.fhir_context.dump());
  o["tokens"] = std::move(tokens);
  return bj::serialize(o);
}

Result<SessionState> session_state_from_json(std::string_view json) {
  auto doc = Json::parse(json);
  if (!doc || !doc->is_object() || (*doc)["version"].integer() != kFormatVersion) {
    return failure(storage_error("the token file is not in a format this version reads", "format"));
  }
  const Json& d = *doc;
  SessionState s;
  s.fhir_base = d["fhir_base"].string_or();
  s.issuer = d["issuer"].string_or();
  s.token_endpoint = d["token_endpoint"].string_or();
  s.revocation_endpoint = d["revocation_endpoint"].string_or();
  s.requested_scope = d["requested_scope"].string_or();
  s.backend = d["backend"].boolean().value_or(false);

  const Json client = d["client"];
  const std::string id = client["client_id"].string_or();
  const std::string auth = client["auth"].string_or("none");
  if (auth == "client_secret_basic") {
    s.credentials = ClientCredentials::with_secret(id, client["client_secret"].string_or());
  } else if (auth == "private_key_jwt") {
    const SigningAlg alg = client["alg"].string_or() == "ES384" ? SigningAlg::ES384
                                                                 : SigningAlg::RS384;
    const std::string kid = client["kid"].string_or();
    auto creds = client["key_file"].is_string()
                     ? ClientCredentials::with_private_key_file(id, *client["key_file"].string(),
                                                                alg, kid)
                     : ClientCredentials::with_private_key(
                           id, client["private_key_pem"].string_or(), alg, kid);
    if (!creds) return failure(creds.error());
    s.credentials = std::move(*creds);
  } else {
    s.credentials = ClientCredentials::public_client(id);
  }

  const Json t = d["tokens"];
  s.tokens.access_token = t["access_token"].string_or();
  s.tokens.token_type = t["token_type"].string_or("Bearer");
  s.tokens.refresh_token = t["refresh_token"].string_or();
  s.tokens.id_token = t["id_token"].string_or();
  if (auto at = t["expires_at"].integer()) {
    s.tokens.expires_at = std::chrono::system_clock::time_point(std::chrono::seconds(*at));
  }
  LaunchContext& c = s.tokens.context;
  c.scope = t["scope"].string_or();
  c.patient = t["patient"].string_or();
  c.encounter = t["encounter"].string_or();
  c.fhir_user = t["fhirUser"].string_or();
  c.intent = t["intent"].string_or();
  c.smart_style_url = t["smart_style_url"].string_or();
  c.tenant = t["tenant"].string_or();
  c.need_patient_banner = t["need_patient_banner"].boolean().value_or(false);
  c.fhir_context = t["fhirContext"];
  if (s.fhir_base.empty() || s.token_endpoint.empty() || id.empty()) {
    return failure(storage_error("the token file lacks the server or the client", "format"));
  }
  return s;
}

namespace {

class MemoryTokenStore final : public TokenStore {
 public:
  Result<std::optional<SessionState>> load() override {
    std::lock_guard lock(mu_);
    return state_;
  }
  Result<void> save(const SessionState& state) override {
    std::lock_guard lock(mu_);
    state_ = state;
    return {};
  }
  Result<void> clear() override {
    std::lock_guard lock(mu_);
    state_.reset();
    return {};
  }

 private:
  std::mutex mu_;
  std::optional<SessionState> state_;
};

// Creates the missing directories of `dir` with mode 0700 (existing ones are left as they are).
Result<void> make_private_dirs(const std::filesystem::path& dir) {
  if (dir.empty()) return {};
  std::error_code ec;
  if (std::filesystem::is_directory(dir, ec)) return {};
  if (auto ok = make_private_dirs(dir.parent_path()); !ok) return ok;
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return failure(storage_error("cannot create " + dir.string() + ": " + std::strerror(errno)));
  }
  return {};
}

class FileTokenStore final : public TokenStore {
 public:
  explicit FileTokenStore(std::string path) : path_(std::move(path)) {}

  Result<std::optional<SessionState>> load() override {
    std::lock_guard lock(mu_);
    const int fd = ::open(path_.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
      if (errno == ENOENT) return std::optional<SessionState>();
      return failure(storage_error("cannot open " + path_ + ": " + std::strerror(errno)));
    }
    struct stat st {};
    std::string text;
    bool ok = ::fstat(fd, &st) == 0;
    const bool safe = ok && S_ISREG(st.st_mode) && (st.st_mode & 077) == 0 &&
                      st.st_uid == ::geteuid();
    if (safe && static_cast<std::size_t>(st.st_size) <= kMaxTokenFileBytes) {
      text.resize(static_cast<std::size_t>(st.st_size));
      std::size_t got = 0;
      while (got < text.size()) {
        const ssize_t n = ::read(fd, text.data() + got, text.size() - got);
        if (n <= 0) break;
        got += static_cast<std::size_t>(n);
      }
      text.resize(got);
    }
    ::close(fd);
    if (!ok) return failure(storage_error("cannot stat " + path_));
    if (!safe) {
      return failure(storage_error(path_ + " must be a regular file of yours with mode 0600 "
                                           "(it is readable by others: chmod 600 it, or log in "
                                           "again)",
                                   "unsafe_permissions"));
    }
    auto state = session_state_from_json(text);
    if (!state) return failure(state.error());
    return std::optional<SessionState>(std::move(*state));
  }

  Result<void> save(const SessionState& state) override {
    std::lock_guard lock(mu_);
    const std::filesystem::path path(path_);
    if (auto ok = make_private_dirs(path.parent_path()); !ok) return ok;
    const std::string tmp = path_ + ".tmp-" + std::to_string(::getpid());
    ::unlink(tmp.c_str());
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) {
      return failure(storage_error("cannot create " + tmp + ": " + std::strerror(errno)));
    }
    const std::string text = to_json(state) + "\n";
    bool ok = ::fchmod(fd, 0600) == 0;  // whatever the umask
    std::size_t put = 0;
    while (ok && put < text.size()) {
      const ssize_t n = ::write(fd, text.data() + put, text.size() - put);
      if (n <= 0) ok = false;
      else put += static_cast<std::size_t>(n);
    }
    ok = ok && ::fsync(fd) == 0;
    ok = ::close(fd) == 0 && ok;
    if (!ok || ::rename(tmp.c_str(), path_.c_str()) != 0) {
      const std::string why = std::strerror(errno);
      ::unlink(tmp.c_str());
      return failure(storage_error("cannot write " + path_ + ": " + why));
    }
    return {};
  }

  Result<void> clear() override {
    std::lock_guard lock(mu_);
    if (::unlink(path_.c_str()) != 0 && errno != ENOENT) {
      return failure(storage_error("cannot delete " + path_ + ": " + std::strerror(errno)));
    }
    return {};
  }

 private:
  std::mutex mu_;
  std::string path_;
};

}  // namespace

std::shared_ptr<TokenStore> memory_token_store() { return std::make_shared<MemoryTokenStore>(); }

std::shared_ptr<TokenStore> file_token_store(std::string path) {
  return std::make_shared<FileTokenStore>(std::move(path));
}

std::string default_token_file() {
  const char* xdg = std::getenv("XDG_CONFIG_HOME");
  std::string base;
  if (xdg && xdg[0] == '/') {
    base = xdg;
  } else if (const char* home = std::getenv("HOME"); home && home[0]) {
    base = std::string(home) + "/.config";
  } else {
    base = ".config";
  }
  return base + "/ember-client/tokens.json";
}

}  // namespace ember::client
