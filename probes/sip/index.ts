/**
 * The `sip` plugin. Its `sip-trunk` kind keeps an OPTIONS keepalive to a SIP trunk with
 * Kamailio dispatcher thresholds, RTT statistics and up/degraded/down, and optionally checks
 * its REGISTER with digest authentication (see README.md). Every UDP trunk of a local address
 * shares one UDP socket (`sharedUdpEngine`); TCP trunks (`;transport=tcp` in the URI or
 * `transport: tcp`) share one TCP engine per local address, one connection per trunk host:port
 * (`sharedTcpEngine`).
 *
 * Its collectors are listeners: `sip-hep` takes HEPv3 mirrors of SIP and RTCP (e.g. from Kamailio's
 * siptrace) and turns them into per-trunk call KPIs and call reports; `sip-rtcpxr` answers the
 * RFC 6035 `PUBLISH` (vq-rtcpxr) quality reports phones send at the end of a call. `sip-test-call`
 * places a scheduled test call through a trunk (INVITE, G.711 RTP to an echo, BYE) and scores it.
 */
import { definePlugin } from '../../plugins/sdk/index.js';
import { sipTestCallKind } from './call/test-call-probe.js';
import { sharedTcpEngine } from './engine/tcp-engine.js';
import { sipHepKind } from './hep/collector.js';
import { sipRtcpXrKind } from './rtcpxr/collector.js';
import { sharedUdpEngine } from './engine/udp-engine.js';
import { sipTrunkKind } from './trunk-probe.js';
import { defaultLocalAddressFor, sipUriHostPort, trunkTransport } from './trunk-schema.js';

export default definePlugin({
  name: 'sip',
  version: '1.0.0',
  sdk: '^1',
  probes: {
    'sip-trunk': sipTrunkKind((target) => {
      const localAddress = target.localAddress ?? defaultLocalAddressFor(sipUriHostPort(target.uri).host);
      return trunkTransport(target) === 'tcp' ? sharedTcpEngine({ localAddress }) : sharedUdpEngine({ localAddress });
    }),
    'sip-hep': sipHepKind(),
    'sip-rtcpxr': sipRtcpXrKind(),
    'sip-test-call': sipTestCallKind(),
  },
});
