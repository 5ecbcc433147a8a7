#define _GNU_SOURCE
#include "_TandemProcessShims.h"

#include <errno.h>
#include <spawn.h>

#if defined(__linux__)
#include <sys/prctl.h>

int tandem_set_parent_death_signal(int signal) {
    return prctl(PR_SET_PDEATHSIG, (unsigned long)signal, 0UL, 0UL, 0UL);
}
#else
int tandem_set_parent_death_signal(int signal) {
    (void)signal;
    return 0;
}
#endif

#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 34))
int tandem_spawn_close_from(void *actions, int lowest) {
    return posix_spawn_file_actions_addclosefrom_np((posix_spawn_file_actions_t *)actions, lowest);
}
#else
int tandem_spawn_close_from(void *actions, int lowest) {
    (void)actions;
    (void)lowest;
    return ENOSYS;
}
#endif
