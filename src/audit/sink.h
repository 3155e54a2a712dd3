// Where the hooks hand their events: a Sink. The production one is the asynchronous writer
// (audit/writer.h); tests use a recording sink; no sink (nullptr) means no audit trail. Hooks call
// `enabled()` first, so a disabled category costs one branch on the request path.
#pragma once
#include "audit/event.h"

namespace ember::audit {

// What --audit records: nothing, the security events (sign-in/out, authorization decisions,
// tokens, registrations), or those and every FHIR interaction.
enum class Level { Off, Auth, All };

class Sink {
 public:
  virtual ~Sink() = default;
  // Whether events of `c` are recorded (the --audit setting).
  virtual bool enabled(Category c) const = 0;
  // Takes the event; never blocks on I/O and never fails the caller (see writer.h for what
  // happens when the queue is full).
  virtual void record(Event e) = 0;
};

// The common hook guard: sink present and the event's category on.
inline bool wants(const Sink* sink, Kind k) { return sink && sink->enabled(category_of(k)); }

}  // namespace ember::audit
