#pragma once
/// Boost.Process initializer: the child gets SIGKILL when the harness dies, however it dies.

#include <sys/prctl.h>
#include <unistd.h>

#include <boost/process/extend.hpp>
#include <csignal>

namespace bh {

/// Pass to boost::process::child so no child of ours outlives the harness.
struct DieWithParent : boost::process::extend::handler {
  template <class Executor>
  void on_exec_setup(Executor&) const {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  }
};

/// Pass to boost::process::child to start it as the leader of a process group of its own,
/// so that kill_process_group ends it with everything it started.
struct OwnProcessGroup : boost::process::extend::handler {
  template <class Executor>
  void on_exec_setup(Executor&) const {
    ::setpgid(0, 0);
  }
};

/// SIGKILL to the process group `leader` leads (a child started with OwnProcessGroup).
inline void kill_process_group(int leader) {
  if (leader > 0) ::kill(-leader, SIGKILL);
}

}  // namespace bh
