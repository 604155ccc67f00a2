/*
 * names.c - names for values, for the timeline and for messages; one table
 * per kind of value, as tcpdump's struct tok.
 */
#include "internal.h"

static const struct tcp_option_name {
	uint8_t kind;
	const char *name;
} tcp_option_names[] = {
    {TCPOPT_EOL, "eol"},       {TCPOPT_NOP, "nop"},   {TCPOPT_MSS, "mss"},
    {TCPOPT_WSCALE, "wscale"}, {TCPOPT_SACK, "sack"}, {TCPOPT_SACK_PERM, "sack_perm"}, {TCPOPT_TFO, "tfo"},
    {TCPOPT_TIMESTAMP, "ts"},
};

const char *decode_tcp_option_name(uint8_t kind)
{
	for (size_t i = 0; i < SS_ARRAY_SIZE(tcp_option_names); i++)
		if (tcp_option_names[i].kind == kind)
			return tcp_option_names[i].name;
	return NULL;
}

/* One row per ICMP (version 4) or ICMPv6 (version 6) type. */
static const struct icmp_type_info {
	uint8_t version, type;
	bool is_error;   /* quotes the packet that caused it */
	bool has_id_seq; /* bytes 4..7 are identifier and sequence number */
	const char *name;
} icmp_types[] = {
    /* RFC 792; router discovery RFC 1256; address mask RFC 950 */
    {4, 0, false, true, "echo reply"},
    {4, 3, true, false, "destination unreachable"},
    {4, 4, true, false, "source quench"},
    {4, 5, true, false, "redirect"},
    {4, 8, false, true, "echo request"},
    {4, 9, false, false, "router advertisement"},
    {4, 10, false, false, "router solicitation"},
    {4, 11, true, false, "time exceeded"},
    {4, 12, true, false, "parameter problem"},
    {4, 13, false, true, "timestamp request"},
    {4, 14, false, true, "timestamp reply"},
    {4, 15, false, true, "information request"},
    {4, 16, false, true, "information reply"},
    {4, 17, false, true, "address mask request"},
    {4, 18, false, true, "address mask reply"},
    /* RFC 4443; neighbor discovery RFC 4861; MLD RFC 2710, RFC 3810 */
    {6, 1, true, false, "destination unreachable"},
    {6, 2, true, false, "packet too big"},
    {6, 3, true, false, "time exceeded"},
    {6, 4, true, false, "parameter problem"},
    {6, 128, false, true, "echo request"},
    {6, 129, false, true, "echo reply"},
    {6, 130, false, false, "multicast listener query"},
    {6, 131, false, false, "multicast listener report"},
    {6, 132, false, false, "multicast listener done"},
    {6, 133, false, false, "router solicitation"},
    {6, 134, false, false, "router advertisement"},
    {6, 135, false, false, "neighbor solicitation"},
    {6, 136, false, false, "neighbor advertisement"},
    {6, 137, false, false, "redirect"},
    {6, 143, false, false, "multicast listener report v2"},
};

/* Codes precise enough to name on their own; other codes use the type's name. */
static const struct icmp_code_name {
	uint8_t version, type, code;
	const char *name;
} icmp_codes[] = {
    /* RFC 792, RFC 1122 §3.2.2.1, RFC 1812 §5.2.7.1 */
    {4, 3, 0, "net unreachable"},
    {4, 3, 1, "host unreachable"},
    {4, 3, 2, "protocol unreachable"},
    {4, 3, 3, "port unreachable"},
    {4, 3, 4, "fragmentation needed"},
    {4, 3, 5, "source route failed"},
    {4, 3, 6, "destination network unknown"},
    {4, 3, 7, "destination host unknown"},
    {4, 3, 9, "network administratively prohibited"},
    {4, 3, 10, "host administratively prohibited"},
    {4, 3, 13, "communication administratively prohibited"},
    /* RFC 4443 §3.1 */
    {6, 1, 0, "no route to destination"},
    {6, 1, 1, "communication administratively prohibited"},
    {6, 1, 2, "beyond scope of source address"},
    {6, 1, 3, "address unreachable"},
    {6, 1, 4, "port unreachable"},
    {6, 1, 5, "source address failed ingress/egress policy"},
    {6, 1, 6, "reject route to destination"},
};

static const struct icmp_type_info *find_icmp_type(uint8_t version, uint8_t type)
{
	for (size_t i = 0; i < SS_ARRAY_SIZE(icmp_types); i++)
		if (icmp_types[i].version == version && icmp_types[i].type == type)
			return &icmp_types[i];
	return NULL;
}

const char *decode_icmp_type_name(uint8_t version, uint8_t type, uint8_t code)
{
	const struct icmp_type_info *info = find_icmp_type(version, type);

	for (size_t i = 0; i < SS_ARRAY_SIZE(icmp_codes); i++)
		if (icmp_codes[i].version == version && icmp_codes[i].type == type &&
		    icmp_codes[i].code == code)
			return icmp_codes[i].name;
	return info ? info->name : NULL;
}

/* RFC 792: types 3, 4, 5, 11, 12; RFC 4443 §2.1: types 1 to 4 (of 0-127). */
bool decode_icmp_is_error(uint8_t version, uint8_t type)
{
	const struct icmp_type_info *info = find_icmp_type(version, type);

	return info && info->is_error;
}

bool decode_icmp_has_id_seq(uint8_t version, uint8_t type)
{
	const struct icmp_type_info *info = find_icmp_type(version, type);

	return info && info->has_id_seq;
}
