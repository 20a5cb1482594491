/**
 * SIPp scenarios and the Kamailio route of the HEP KPI test.
 *
 * - UAC: calls `[field0]` (from an `-inf` CSV) through the proxy; 486 and 503 are accepted final
 *   responses (ACKed, then the call ends), a 200 is ACKed and followed by a BYE after 300 ms.
 *   SIPp counts each scenario message in its `-trace_counts` file (`4_486_Recv`, `5_503_Recv`,
 *   `6_200_Recv`): those are the numbers the collector must match.
 * - UAS: SIPp's built-in `uas`, plus `[last_Record-Route:]` so in-dialog requests (ACK, BYE) go
 *   back through the record-routing proxy, where they are traced too.
 * - Kamailio route: answers OPTIONS (the readiness probe) before tracing; traces every other
 *   transaction (`sip_trace_mode("t")`: request and replies, in and out); rejects `busy*` with 486
 *   and `down*` with 503 statefully; forwards other INVITEs to the UAS with record-routing.
 */

export const UAC_XML = `<?xml version="1.0" encoding="ISO-8859-1" ?>
<!DOCTYPE scenario SYSTEM "sipp.dtd">
<scenario name="vigie mixed outcomes UAC">
  <send retrans="500">
    <![CDATA[
      INVITE sip:[field0]@[remote_ip]:[remote_port] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      From: sipp <sip:sipp@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
      To: <sip:[field0]@[remote_ip]:[remote_port]>
      Call-ID: [call_id]
      CSeq: 1 INVITE
      Contact: sip:sipp@[local_ip]:[local_port]
      Max-Forwards: 70
      Content-Type: application/sdp
      Content-Length: [len]

      v=0
      o=user1 53655765 2353687637 IN IP[local_ip_type] [local_ip]
      s=-
      c=IN IP[media_ip_type] [media_ip]
      t=0 0
      m=audio [media_port] RTP/AVP 0
      a=rtpmap:0 PCMU/8000
    ]]>
  </send>
  <recv response="100" optional="true"/>
  <recv response="180" optional="true"/>
  <recv response="183" optional="true"/>
  <recv response="486" optional="true" next="rejected"/>
  <recv response="503" optional="true" next="rejected"/>
  <recv response="200" rtd="true" rrs="true"/>
  <send>
    <![CDATA[
      ACK [next_url] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      From: sipp <sip:sipp@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
      To: <sip:[field0]@[remote_ip]:[remote_port]>[peer_tag_param]
      Call-ID: [call_id]
      [routes]
      CSeq: 1 ACK
      Contact: sip:sipp@[local_ip]:[local_port]
      Max-Forwards: 70
      Content-Length: 0
    ]]>
  </send>
  <pause milliseconds="300"/>
  <send retrans="500">
    <![CDATA[
      BYE [next_url] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      From: sipp <sip:sipp@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
      To: <sip:[field0]@[remote_ip]:[remote_port]>[peer_tag_param]
      Call-ID: [call_id]
      [routes]
      CSeq: 2 BYE
      Contact: sip:sipp@[local_ip]:[local_port]
      Max-Forwards: 70
      Content-Length: 0
    ]]>
  </send>
  <recv response="200" crlf="true" next="done"/>
  <label id="rejected"/>
  <send>
    <![CDATA[
      ACK sip:[field0]@[remote_ip]:[remote_port] SIP/2.0
      [last_Via:]
      [last_From:]
      [last_To:]
      [last_Call-ID:]
      CSeq: 1 ACK
      Max-Forwards: 70
      Content-Length: 0
    ]]>
  </send>
  <label id="done"/>
</scenario>
`;

export const UAS_XML = `<?xml version="1.0" encoding="ISO-8859-1" ?>
<!DOCTYPE scenario SYSTEM "sipp.dtd">
<scenario name="vigie UAS behind a record-routing proxy">
  <recv request="INVITE" crlf="true"/>
  <send>
    <![CDATA[
      SIP/2.0 180 Ringing
      [last_Via:]
      [last_Record-Route:]
      [last_From:]
      [last_To:];tag=[pid]SIPpTag01[call_number]
      [last_Call-ID:]
      [last_CSeq:]
      Contact: <sip:[local_ip]:[local_port];transport=[transport]>
      Content-Length: 0
    ]]>
  </send>
  <pause milliseconds="50"/>
  <send retrans="500">
    <![CDATA[
      SIP/2.0 200 OK
      [last_Via:]
      [last_Record-Route:]
      [last_From:]
      [last_To:];tag=[pid]SIPpTag01[call_number]
      [last_Call-ID:]
      [last_CSeq:]
      Contact: <sip:[local_ip]:[local_port];transport=[transport]>
      Content-Type: application/sdp
      Content-Length: [len]

      v=0
      o=user1 53655765 2353687637 IN IP[local_ip_type] [local_ip]
      s=-
      c=IN IP[media_ip_type] [media_ip]
      t=0 0
      m=audio [media_port] RTP/AVP 0
      a=rtpmap:0 PCMU/8000
    ]]>
  </send>
  <recv request="ACK" optional="true" rtd="true" crlf="true"/>
  <recv request="BYE"/>
  <send>
    <![CDATA[
      SIP/2.0 200 OK
      [last_Via:]
      [last_From:]
      [last_To:]
      [last_Call-ID:]
      [last_CSeq:]
      Contact: <sip:[local_ip]:[local_port];transport=[transport]>
      Content-Length: 0
    ]]>
  </send>
  <timewait milliseconds="1000"/>
</scenario>
`;

/** Kamailio modules, modparams and route for a proxy mirroring every transaction to `hepPort` as HEPv3. */
export function kamailioHepProxy(hepPort: number, authKey: string, uasPort: number): { modules: string[]; extraConfig: string; route: string } {
  return {
    modules: ['tm.so', 'rr.so', 'pv.so', 'siputils.so', 'siptrace.so'],
    extraConfig: [
      `modparam("siptrace", "duplicate_uri", "sip:127.0.0.1:${hepPort}")`,
      'modparam("siptrace", "hep_mode_on", 1)',
      'modparam("siptrace", "hep_version", 3)',
      'modparam("siptrace", "hep_capture_id", 2001)',
      'modparam("siptrace", "trace_on", 1)',
      'modparam("siptrace", "trace_to_database", 0)',
      `modparam("siptrace", "auth_key", "${authKey}")`,
    ].join('\n'),
    route: `
    if (is_method("OPTIONS") && !has_totag()) { sl_send_reply("200", "OK"); exit; }
    sip_trace_mode("t");
    if (has_totag()) {
        if (loose_route()) { t_relay(); exit; }
        if (is_method("ACK")) { t_check_trans(); exit; }
        sl_send_reply("404", "Not here"); exit;
    }
    if (is_method("CANCEL")) { if (t_check_trans()) { t_relay(); } exit; }
    if (is_method("ACK")) { if (t_check_trans()) { t_relay(); } exit; }
    if (is_method("INVITE")) {
        record_route();
        if ($rU =~ "^busy") { t_newtran(); t_reply("486", "Busy Here"); exit; }
        if ($rU =~ "^down") { t_newtran(); t_reply("503", "Service Unavailable"); exit; }
        $du = "sip:127.0.0.1:${uasPort}";
        t_relay(); exit;
    }
    sl_send_reply("404", "Not here");`,
  };
}
