#include "oauth/signing_keys.h"

#include <mutex>
#include <shared_mutex>

#include "core/random.h"
#include "jose/jwk.h"
#include "jose/jwks.h"
#include "jose/jws.h"

namespace ember::oauth {

namespace bj = boost::json;

namespace {

// An unknown kid triggers a reload at most this often (a flood of forged kids stays cheap).
constexpr std::int64_t kUnknownKidReloadMs = 2'000;

Result<jose::Key, std::string> generate(jose::Alg alg) {
  auto key = alg == jose::Alg::ES256 ? jose::Key::generate_ec(jose::Curve::P256)
                                     : jose::Key::generate_rsa(2048);
  if (!key) return fail(std::string(jose::to_string(key.error())));
  key->set_kid(key->thumbprint());
  return std::move(*key);
}

// The private key as stored: sealed when there is a key encryption key.
std::string at_rest(const std::string& pem, const std::string& kid, const KeyEncryption* kek) {
  if (!kek) return pem;
  auto random = make_system_random();
  return kek->seal(pem, kid, *random);
}

// The PEM of a stored key (opening a sealed one).
Result<std::string, std::string> pem_of(const store::KeyRecord& rec, const KeyEncryption* kek) {
  if (!is_sealed(rec.private_pem)) return rec.private_pem;
  if (!kek) {
    return fail("signing key " + rec.kid +
                " is encrypted in the store: give the key encryption key "
                "(--key-encryption-key or EMBER_KEY_ENCRYPTION_KEY)");
  }
  auto pem = kek->open(rec.private_pem, rec.kid);
  if (!pem) return fail("signing key " + rec.kid + ": " + pem.error());
  return std::move(*pem);
}

Result<void, std::string> add_new_key(store::AuthStore& store, const Clock& clock, jose::Alg alg,
                                      const KeyEncryption* kek) {
  auto key = generate(alg);
  if (!key) return fail(key.error());
  auto pem = key->private_pem();
  if (!pem) return fail(std::string(jose::to_string(pem.error())));
  store::KeyRecord rec{key->kid(), std::string(jose::to_string(alg)),
                       at_rest(*pem, key->kid(), kek), clock.now_ms(), 0};
  if (auto r = store.put_key(rec); !r) return fail(r.error().message);
  return {};
}

class StoreSigningKeys final : public SigningKeys {
 public:
  StoreSigningKeys(store::AuthStore& store, const Clock& clock, const KeyEncryption* kek)
      : store_(store),
        clock_(clock),
        kek_(kek ? std::optional<KeyEncryption>(*kek) : std::nullopt) {}

  Result<void, std::string> load() {
    auto records = store_.list_keys();
    if (!records) return fail(records.error().message);
    const std::int64_t now = clock_.now_ms();
    State next;
    for (const auto& rec : *records) {
      if (rec.retired_ms != 0 && rec.retired_ms + kRetiredKeyGraceMs < now) continue;
      auto pem = pem_of(rec, kek_ ? &*kek_ : nullptr);
      if (!pem) return fail(pem.error());
      auto alg = jose::parse_alg(rec.alg);
      auto key = jose::Key::from_pem(*pem);
      if (!alg || !key) continue;
      key->set_kid(rec.kid);
      if (!key->pin_alg(*alg)) continue;
      if (rec.retired_ms == 0) {
        auto& slot = *alg == jose::Alg::ES256 ? next.access : next.id_token;
        if (!slot || slot->created < rec.created_ms) slot = Active{*key, rec.created_ms};
      }
      if (auto pub = key->public_key()) {
        pub->set_kid(rec.kid);
        (void)pub->pin_alg(*alg);
        next.published.add(std::move(*pub));
      }
    }
    if (!next.access || !next.id_token) return fail(std::string("signing keys are missing"));
    next.jwks = bj::serialize(next.published.to_public_json());
    next.loaded_ms = now;
    std::unique_lock lock(mu_);
    state_ = std::move(next);
    return {};
  }

  Result<std::string, std::string> sign_access_token(const bj::object& claims) override {
    return sign(true, claims);
  }
  Result<std::string, std::string> sign_id_token(const bj::object& claims) override {
    return sign(false, claims);
  }

  Result<bj::object, std::string> verify_access_token(std::string_view jwt) override {
    maybe_reload(kKeyReloadMs);
    auto verified = verify(jwt);
    if (!verified && verified.error() == jose::Error::KeyNotFound) {
      maybe_reload(kUnknownKidReloadMs);
      verified = verify(jwt);
    }
    if (!verified) return fail(std::string(jose::to_string(verified.error())));
    boost::system::error_code ec;
    bj::value v = bj::parse(verified->payload, ec);
    if (ec || !v.is_object()) return fail(std::string("claims are not a JSON object"));
    return std::move(v.get_object());
  }

  std::string jwks_json() override {
    maybe_reload(kKeyReloadMs);
    std::shared_lock lock(mu_);
    return state_.jwks;
  }

 private:
  struct Active {
    jose::Key key;
    std::int64_t created = 0;
  };
  struct State {
    std::optional<Active> access;    // ES256
    std::optional<Active> id_token;  // RS256
    jose::KeySet published;          // public keys of current and recently retired keys
    std::string jwks;
    std::int64_t loaded_ms = 0;
  };

  Result<jose::Jws, jose::Error> verify(std::string_view jwt) {
    std::shared_lock lock(mu_);
    return jose::verify_compact(jwt, state_.published, jose::AlgSet{jose::Alg::ES256});
  }

  void maybe_reload(std::int64_t max_age_ms) {
    {
      std::shared_lock lock(mu_);
      if (clock_.now_ms() - state_.loaded_ms < max_age_ms) return;
    }
    (void)load();  // on failure the previous keys stay in use
  }

  Result<std::string, std::string> sign(bool access, const bj::object& claims) {
    maybe_reload(kKeyReloadMs);
    std::shared_lock lock(mu_);
    const auto& slot = access ? state_.access : state_.id_token;
    auto jws = jose::sign_compact(slot->key, access ? jose::Alg::ES256 : jose::Alg::RS256,
                                  bj::serialize(claims));
    if (!jws) return fail(std::string(jose::to_string(jws.error())));
    return std::move(*jws);
  }

  store::AuthStore& store_;
  const Clock& clock_;
  std::optional<KeyEncryption> kek_;
  std::shared_mutex mu_;
  State state_;
};

}  // namespace

Result<std::unique_ptr<SigningKeys>, std::string> open_signing_keys(store::AuthStore& store,
                                                                    const Clock& clock,
                                                                    const KeyEncryption* kek) {
  auto records = store.list_keys();
  if (!records) return fail(records.error().message);
  bool has_es = false, has_rs = false;
  for (auto& r : *records) {
    if (kek && !is_sealed(r.private_pem)) {  // keys stored before a key encryption key was given
      r.private_pem = at_rest(r.private_pem, r.kid, kek);
      if (auto put = store.put_key(r); !put) return fail(put.error().message);
    }
    if (r.retired_ms != 0) continue;
    has_es |= r.alg == "ES256";
    has_rs |= r.alg == "RS256";
  }
  if (!has_es) {
    if (auto r = add_new_key(store, clock, jose::Alg::ES256, kek); !r) return fail(r.error());
  }
  if (!has_rs) {
    if (auto r = add_new_key(store, clock, jose::Alg::RS256, kek); !r) return fail(r.error());
  }
  auto keys = std::make_unique<StoreSigningKeys>(store, clock, kek);
  if (auto r = keys->load(); !r) return fail(r.error());
  return std::unique_ptr<SigningKeys>(std::move(keys));
}

Result<void, std::string> rotate_signing_keys(store::AuthStore& store, const Clock& clock,
                                              const KeyEncryption* kek) {
  auto records = store.list_keys();
  if (!records) return fail(records.error().message);
  const std::int64_t now = clock.now_ms();
  for (auto rec : *records) {
    if (rec.retired_ms != 0) continue;
    rec.retired_ms = now;
    if (auto r = store.put_key(rec); !r) return fail(r.error().message);
  }
  if (auto r = add_new_key(store, clock, jose::Alg::ES256, kek); !r) return r;
  return add_new_key(store, clock, jose::Alg::RS256, kek);
}

}  // namespace ember::oauth
