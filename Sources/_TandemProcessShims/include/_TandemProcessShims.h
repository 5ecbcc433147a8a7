#ifndef TANDEM_PROCESS_SHIMS_H
#define TANDEM_PROCESS_SHIMS_H

/* Process calls Swift cannot make (prctl is variadic; closefrom is not in
 * Swift's Glibc module), for `tandem run`'s supervisor, the engine process it
 * starts, and the plugin host processes the engine starts. */

/* Asks the kernel to send `signal` to this process when its parent ends
 * (Linux PR_SET_PDEATHSIG; elsewhere nothing happens). Returns 0, or -1 with
 * errno set. */
int tandem_set_parent_death_signal(int signal);

/* Adds to `actions` (a posix_spawn_file_actions_t) the closing of every
 * descriptor from `lowest` up, between fork and exec (glibc's
 * posix_spawn_file_actions_addclosefrom_np, which Swift's Glibc module does
 * not declare). Returns 0, or an error number; ENOSYS where there is none. */
int tandem_spawn_close_from(void *actions, int lowest);

#endif
