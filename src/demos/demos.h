/*
 * demos.h - the demo programs, for the registry: private to the demos.
 * Each returns 0, or a negative SS_E* code after demo_log_error() said why.
 */
#ifndef SOCKSCOPE_DEMOS_DEMOS_H
#define SOCKSCOPE_DEMOS_DEMOS_H

#include "sockscope/demo.h"

int demo_run_udp_upper(struct demo_log *log, const struct demo_env *env);
int demo_run_udp_ipv6(struct demo_log *log, const struct demo_env *env);
int demo_run_tcp_upper(struct demo_log *log, const struct demo_env *env);
int demo_run_tcp_ipv6(struct demo_log *log, const struct demo_env *env);
int demo_run_tcp_concurrent(struct demo_log *log, const struct demo_env *env);
int demo_run_udp_timeout(struct demo_log *log, const struct demo_env *env);
int demo_run_tcp_refused(struct demo_log *log, const struct demo_env *env);
int demo_run_udp_unreachable(struct demo_log *log, const struct demo_env *env);
int demo_run_nonblocking(struct demo_log *log, const struct demo_env *env);
int demo_run_stream_vs_datagram(struct demo_log *log, const struct demo_env *env);
int demo_run_backlog(struct demo_log *log, const struct demo_env *env);
int demo_run_raw_icmp(struct demo_log *log, const struct demo_env *env);
int demo_run_unix_seqpacket(struct demo_log *log, const struct demo_env *env);
int demo_run_tcp_teardown(struct demo_log *log, const struct demo_env *env);
int demo_run_tcp_loss(struct demo_log *log, const struct demo_env *env);
int demo_run_tcp_fast_retransmit(struct demo_log *log, const struct demo_env *env);
int demo_run_tcp_flow_control(struct demo_log *log, const struct demo_env *env);
int demo_run_tcp_bulk(struct demo_log *log, const struct demo_env *env);

/* Inside a demo's private namespace (netns.c): runs argv ("nft", "tc", ...) from
 * PATH and returns its exit status or -1; sets the loopback's MTU. */
int demo_netns_run(char *const argv[]);
int demo_netns_loopback_mtu(int mtu);

#endif
