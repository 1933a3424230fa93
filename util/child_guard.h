#pragma once
/// Boost.Process initializer: the child gets SIGKILL when the harness dies, however it dies.

#include <sys/prctl.h>

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

}  // namespace bh
