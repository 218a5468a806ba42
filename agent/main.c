/* main.c - libreswan-agentx: all the work is in libagent (agent.c). */
#include "agent.h"

int main(int argc, char *argv[])
{
	return lsw_agent_main(argc, argv);
}
