/* agent.h - the libreswan-agentx daemon: options, net-snmp set-up, loop. */
#ifndef LSW_AGENT_H
#define LSW_AGENT_H

/* Run the daemon; returns the exit status for main(). argv is parsed
 * again at SIGHUP, so it must stay valid. */
int lsw_agent_main(int argc, char *argv[]);

#endif
