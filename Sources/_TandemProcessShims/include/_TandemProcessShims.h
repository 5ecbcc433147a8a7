#ifndef TANDEM_PROCESS_SHIMS_H
#define TANDEM_PROCESS_SHIMS_H

/* Process calls Swift cannot make (prctl is variadic), for `tandem run`'s
 * supervisor and the engine process it starts. */

/* Asks the kernel to send `signal` to this process when its parent ends
 * (Linux PR_SET_PDEATHSIG; elsewhere nothing happens). Returns 0, or -1 with
 * errno set. */
int tandem_set_parent_death_signal(int signal);

#endif
