package redisbus_test

// The publisher and the monitor against Redis as it is deployed, each a real
// server started here: TLS with a CA made in the test, ACL users, Sentinel
// with a failover, and a three-master Cluster.

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tickstock/monitor/backend/config"
	"github.com/tickstock/monitor/backend/monitor"
	"github.com/tickstock/monitor/backend/redisbus"
	"github.com/tickstock/monitor/backend/ticks"
	"github.com/tickstock/monitor/backend/wire"
	"github.com/tickstock/monitor/internal/redistest"
	"github.com/tickstock/monitor/internal/wait"
)

var seq atomic.Int64

func channelFor(t *testing.T) string {
	return fmt.Sprintf("tickstock:deployed:%s:%d", strings.ReplaceAll(t.Name(), "/", ":"), seq.Add(1))
}

// oneConn puts every symbol on connection_1, so the monitor counts each tick.
type oneConn struct{}

func (oneConn) ConnectionOf(string) (string, bool) { return "connection_1", true }
func (oneConn) Assignment() map[string]string      { return map[string]string{"AAPL": "connection_1"} }

type pipe struct {
	pub *redisbus.Publisher
	mon *monitor.Monitor
	ch  string
}

func start(t *testing.T, pubR, monR config.Redis) *pipe {
	t.Helper()
	ch := channelFor(t)
	p, err := redisbus.NewPublisher(redisbus.PublisherOptions{Redis: pubR, Channel: ch})
	if err != nil {
		t.Fatal(err)
	}
	m := monitor.New(monitor.Options{Redis: monR, Channel: ch, Assigner: oneConn{}, PingEvery: 200 * time.Millisecond})
	m.Start(context.Background())
	t.Cleanup(m.Close)
	p.Start(context.Background())
	t.Cleanup(p.Close)
	return &pipe{pub: p, mon: m, ch: ch}
}

func (pp *pipe) received() int64 { return pp.mon.MetricsAt(time.Now()).Total }

// offer queues n ticks, waiting (the test, not the manager) when the queue is full.
func (pp *pipe) offer(n int) {
	for i := 0; i < n; i++ {
		for !pp.pub.Offer(ticks.Tick{Symbol: "AAPL", Price: float64(i), Volume: 1, Timestamp: wire.Unix(time.Now()), Source: "massive", ConnectionID: "connection_1"}) {
			time.Sleep(time.Millisecond)
		}
	}
}

// roundTrip publishes n ticks once both sides are up and checks that each is
// published once and seen once.
func (pp *pipe) roundTrip(t *testing.T, n int) {
	t.Helper()
	wait.For(t, "the monitor subscribed", 10*time.Second, func() bool { return pp.mon.Subscription().State == monitor.SubscriptionSubscribed })
	pub0, got0, drop0 := pp.pub.Published(), pp.received(), pp.pub.Dropped()["connection_1"]
	pp.offer(n)
	wait.For(t, fmt.Sprintf("%d ticks published and seen", n), 10*time.Second, func() bool {
		return pp.pub.Published()-pub0 == int64(n) && pp.received()-got0 == int64(n)
	})
	if d := pp.pub.Dropped()["connection_1"]; d != drop0 {
		t.Errorf("dropped %d during the round trip", d-drop0)
	}
}

func TestTLSWithTheCAMadeHere(t *testing.T) {
	srv, files := redistest.StartTLS(t)
	r := config.Redis{URL: srv.URL, TLSCA: files.CA, TLSCert: files.ClientCert, TLSKey: files.ClientKey}
	pp := start(t, r, r)
	pp.roundTrip(t, 2000)
	if s := pp.mon.Subscription(); !strings.Contains(s.Where, "over TLS") || s.Kind != config.RedisStandalone {
		t.Errorf("source %+v does not say TLS", s)
	}

	t.Run("a wrong CA is a clear error", func(t *testing.T) {
		other := redistest.NewTLS(t, t.TempDir(), "other")
		bad := r
		bad.TLSCA = other.CA
		pp := start(t, bad, bad)
		pp.offer(10)
		wait.For(t, "the publisher says the certificate is not trusted", 10*time.Second, func() bool {
			return strings.Contains(pp.pub.State().Detail, "TLS certificate is not trusted") && strings.Contains(pp.pub.State().Detail, "REDIS_TLS_CA")
		})
		wait.For(t, "the monitor says so too", 10*time.Second, func() bool {
			return strings.Contains(pp.mon.Subscription().Detail, "TLS certificate is not trusted")
		})
		wait.For(t, "the ticks counted as dropped", 5*time.Second, func() bool { return pp.pub.Dropped()["connection_1"] == 10 })
		t.Logf("publisher: %s", pp.pub.State().Detail)
	})
	t.Run("REDIS_TLS_SERVER_NAME checks another name of the certificate", func(t *testing.T) {
		named := r
		named.TLSServerName = "redis.test"
		start(t, named, named).roundTrip(t, 100)
	})
	t.Run("no client certificate for a server that requires one is a clear error", func(t *testing.T) {
		bare := r
		bare.TLSCert, bare.TLSKey = "", ""
		pp := start(t, bare, bare)
		wait.For(t, "the monitor names the client certificate", 10*time.Second, func() bool {
			return strings.Contains(pp.mon.Subscription().Detail, "REDIS_TLS_CERT")
		})
		t.Logf("monitor: %s", pp.mon.Subscription().Detail)
	})
	t.Run("a server name the certificate lacks is a clear error", func(t *testing.T) {
		bad := r
		bad.TLSServerName = "cache.example"
		pp := start(t, bad, bad)
		wait.For(t, "the monitor names the server-name check", 10*time.Second, func() bool {
			return strings.Contains(pp.mon.Subscription().Detail, "REDIS_TLS_SERVER_NAME")
		})
	})
}

func TestACLUserWithOnlyPublishAndSubscribeOnTheChannel(t *testing.T) {
	srv := redistest.StartWith(t)
	url := "redis://" + srv.Addr + "/0"
	ctx := context.Background()
	ch := "tickstock:acl:ticks"
	for _, rule := range [][]string{
		{"ACL", "SETUSER", "ingest", "on", ">ingest-s3cret", "resetchannels", "&" + ch, "-@all", "+publish", "+subscribe"},
		{"ACL", "SETUSER", "reader", "on", ">reader-s3cret", "resetchannels", "&" + ch, "-@all", "+subscribe"},
		{"ACL", "SETUSER", "elsewhere", "on", ">elsewhere-s3cret", "resetchannels", "&other:*", "-@all", "+publish", "+subscribe"},
		{"ACL", "SETUSER", "default", "off"}, // every client must sign in as one of them
	} {
		if _, err := srv.Query(ctx, rule...); err != nil {
			t.Fatal(err)
		}
	}
	user := func(name, pw string) config.Redis { return config.Redis{URL: url, Username: name, Password: pw} }
	startOn := func(t *testing.T, pubR, monR config.Redis) *pipe {
		p, _ := redisbus.NewPublisher(redisbus.PublisherOptions{Redis: pubR, Channel: ch})
		m := monitor.New(monitor.Options{Redis: monR, Channel: ch, Assigner: oneConn{}, PingEvery: 200 * time.Millisecond})
		m.Start(ctx)
		p.Start(ctx)
		t.Cleanup(func() { p.Close(); m.Close() })
		return &pipe{pub: p, mon: m, ch: ch}
	}

	t.Run("works", func(t *testing.T) {
		pp := startOn(t, user("ingest", "ingest-s3cret"), user("ingest", "ingest-s3cret"))
		pp.roundTrip(t, 1000)
		// The watchdog's PING is refused (no +ping) but still proves the
		// connection alive: the subscription must not flap.
		time.Sleep(time.Second)
		if s := pp.mon.Subscription(); s.State != monitor.SubscriptionSubscribed || s.Gaps != 0 {
			t.Errorf("source %+v", s)
		}
	})
	t.Run("a user that may not PUBLISH is a clear error", func(t *testing.T) {
		pp := startOn(t, user("reader", "reader-s3cret"), user("reader", "reader-s3cret"))
		wait.For(t, "the reader subscribed", 10*time.Second, func() bool { return pp.mon.Subscription().State == monitor.SubscriptionSubscribed })
		pp.offer(5)
		wait.For(t, "the publisher names the missing right", 10*time.Second, func() bool {
			d := pp.pub.State().Detail
			return strings.Contains(d, "may not use "+ch) && strings.Contains(d, "+publish")
		})
		wait.For(t, "the ticks counted as dropped", 5*time.Second, func() bool { return pp.pub.Dropped()["connection_1"] == 5 })
		assertNoSecret(t, pp, "reader-s3cret")
	})
	t.Run("a user without the channel is a clear error", func(t *testing.T) {
		pp := startOn(t, user("elsewhere", "elsewhere-s3cret"), user("elsewhere", "elsewhere-s3cret"))
		wait.For(t, "the monitor names the channel", 10*time.Second, func() bool {
			d := pp.mon.Subscription().Detail
			return strings.Contains(d, "may not use "+ch) && strings.Contains(d, "ACL SETUSER")
		})
		t.Logf("monitor: %s", pp.mon.Subscription().Detail)
		assertNoSecret(t, pp, "elsewhere-s3cret")
	})
	t.Run("a wrong password is a clear error", func(t *testing.T) {
		pp := startOn(t, user("ingest", "wr0ng-pa55"), user("ingest", "wr0ng-pa55"))
		wait.For(t, "the monitor says the credentials were rejected", 10*time.Second, func() bool {
			return strings.Contains(pp.mon.Subscription().Detail, "rejected the credentials")
		})
		assertNoSecret(t, pp, "wr0ng-pa55")
	})
}

func assertNoSecret(t *testing.T, pp *pipe, secret string) {
	t.Helper()
	all := fmt.Sprintf("%+v %+v", pp.pub.State(), pp.mon.Subscription())
	if strings.Contains(all, secret) {
		t.Errorf("a password was echoed: %s", all)
	}
}

// Kill the master: the sentinel promotes the replica, the publisher and the
// monitor follow it, the monitor reports one gap whose reason names the
// failover, and every tick offered is accounted for: published or dropped
// (counted), and every tick published outside the gap is seen.
func TestSentinelFailover(t *testing.T) {
	st := redistest.StartSentinel(t)
	r := config.Redis{URL: "redis://127.0.0.1/0", SentinelAddrs: []string{st.Sentinel.Addr}, SentinelMaster: st.Name}
	pp := start(t, r, r)
	pp.roundTrip(t, 1000)
	s := pp.mon.Subscription()
	if s.Kind != config.RedisSentinel || s.Node != st.Master.Addr || !strings.Contains(s.Where, st.Master.Addr+" db 0 (Sentinel master tickstock)") {
		t.Fatalf("before: source %+v, master %s", s, st.Master.Addr)
	}
	if n := pp.pub.State().Node; n != st.Master.Addr {
		t.Fatalf("publisher on %q, master %s", n, st.Master.Addr)
	}

	// Ticks keep coming while the master dies, as from a live manager.
	pub0, got0 := pp.pub.Published(), pp.received()
	var offered, refused atomic.Int64
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			select {
			case <-stop:
				return
			case <-time.After(2 * time.Millisecond):
			}
			tk := ticks.Tick{Symbol: "AAPL", Price: 1, Volume: 1, Timestamp: wire.Unix(time.Now()), Source: "massive", ConnectionID: "connection_1"}
			if pp.pub.Offer(tk) {
				offered.Add(1)
			} else {
				refused.Add(1) // the manager counts these as dropped
			}
		}
	}()
	time.Sleep(300 * time.Millisecond)
	killed := time.Now()
	st.Master.Kill(t)
	st.WaitPromoted(t, 20*time.Second)
	promoted := time.Since(killed)
	wait.For(t, "publishing and monitoring resumed on the new master", 20*time.Second, func() bool {
		ps, ms := pp.pub.State(), pp.mon.Subscription()
		return ps.Connected && ps.Node == st.Replica.Addr && ms.State == monitor.SubscriptionSubscribed && ms.Node == st.Replica.Addr
	})
	time.Sleep(300 * time.Millisecond) // ticks flowing on the new master
	close(stop)
	<-done
	// Every tick offered ends up published or counted as dropped.
	var published, dropped int64
	wait.For(t, "offered = published + dropped", 10*time.Second, func() bool {
		published, dropped = pp.pub.Published()-pub0, pp.pub.Dropped()["connection_1"]
		return pp.pub.Queued() == 0 && offered.Load() == published+dropped
	})
	ms := pp.mon.Subscription()
	if ms.Gaps != 1 || ms.LastGap == nil || !strings.Contains(ms.LastGap.Reason, "Sentinel failover: the master moved from "+st.Master.Addr+" to "+st.Replica.Addr) {
		t.Fatalf("gap report: %+v %+v", ms, ms.LastGap)
	}
	if !strings.Contains(ms.Where, st.Replica.Addr) {
		t.Errorf("the header still names %q", ms.Where)
	}
	// Every published tick is seen, except those published during the gap.
	wait.For(t, "the monitor caught up", 5*time.Second, func() bool {
		return pp.received()-got0 <= published && pp.received()-got0 > 0
	})
	seen := pp.received() - got0
	t.Logf("failover: replica promoted %v after the kill; gap %.2f s (%s)", promoted.Round(10*time.Millisecond), ms.LastGap.Seconds, ms.LastGap.Reason)
	t.Logf("accounting: offered %d = published %d + dropped %d (counted); refused by the full queue %d; seen %d, unseen %d (published during the gap)",
		offered.Load(), published, dropped, refused.Load(), seen, published-seen)

	// After the failover the accounting is exact again, tick for tick.
	pp.roundTrip(t, 2000)
}

// Ticks published through one cluster node are seen by a monitor whose
// subscription sits on another: Redis Cluster forwards PUBLISH to every node.
func TestClusterPubSubAcrossNodes(t *testing.T) {
	c := redistest.StartCluster(t, 3)
	clusterR := config.Redis{URL: "redis://127.0.0.1/0", ClusterAddrs: c.Addrs()[:1]}
	ch := channelFor(t)
	m := monitor.New(monitor.Options{Redis: clusterR, Channel: ch, Assigner: oneConn{}})
	m.Start(context.Background())
	t.Cleanup(m.Close)
	wait.For(t, "the monitor subscribed", 10*time.Second, func() bool { return m.Subscription().State == monitor.SubscriptionSubscribed })
	monNode := m.Subscription().Node
	var through string
	for _, a := range c.Addrs() {
		if a != monNode {
			through = a
			break
		}
	}
	if monNode == "" || through == "" {
		t.Fatalf("monitor node %q", monNode)
	}
	// One publisher straight to another node, one through the cluster client.
	direct, _ := redisbus.NewPublisher(redisbus.PublisherOptions{Redis: config.Redis{URL: "redis://" + through + "/0"}, Channel: ch})
	viaCluster, _ := redisbus.NewPublisher(redisbus.PublisherOptions{Redis: clusterR, Channel: ch})
	for _, p := range []*redisbus.Publisher{direct, viaCluster} {
		p.Start(context.Background())
		t.Cleanup(p.Close)
	}
	got0 := m.MetricsAt(time.Now()).Total
	for _, p := range []*redisbus.Publisher{direct, viaCluster} {
		pp := &pipe{pub: p, mon: m, ch: ch}
		pp.offer(1500)
	}
	wait.For(t, "3000 ticks seen across nodes", 10*time.Second, func() bool {
		return m.MetricsAt(time.Now()).Total-got0 == 3000 && direct.Published() == 1500 && viaCluster.Published() == 1500
	})
	s := m.Subscription()
	if s.Kind != config.RedisCluster || !strings.Contains(s.Where, monNode+" (Cluster)") {
		t.Errorf("source %+v", s)
	}
	// A node's PUBLISH reply counts only its own subscribers: on a Cluster
	// the publisher cannot tell unheard ticks and must not claim any.
	if u, known := viaCluster.Unheard(); known || len(u) != 0 {
		t.Errorf("cluster: unheard %v (known %v), want unknown and none", u, known)
	}
	t.Logf("cluster: monitor subscribed on %s; 1500 ticks published through %s and 1500 through the cluster client (node %s); seen %d",
		monNode, through, viaCluster.State().Node, m.MetricsAt(time.Now()).Total-got0)
}
