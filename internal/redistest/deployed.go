package redistest

// Redis as it is deployed: TLS with a CA made here, Sentinel with a master
// and a replica, and a three-master Cluster, each on free loopback ports and
// stopped when the test ends.

import (
	"bufio"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tickstock/monitor/internal/testproc"
)

// need fails under CI=true, else skips, when a program is missing.
func need(tb testing.TB, prog, pkg string) {
	tb.Helper()
	if _, err := exec.LookPath(prog); err != nil {
		msg := prog + " is not installed; run scripts/setup (Debian package " + pkg + ")"
		if os.Getenv("CI") == "true" {
			tb.Fatal(msg)
		}
		tb.Skip(msg)
	}
}

// StartWith starts a private redis-server with extra arguments after the
// usual ones (e.g. "--replicaof", "127.0.0.1", "6379"). It never uses
// REDIS_URL: these tests need a server they own.
func StartWith(tb testing.TB, extra ...string) *Server {
	tb.Helper()
	need(tb, "redis-server", "redis-server")
	s := &Server{dir: tb.TempDir()}
	s.args = func() []string { return append(s.plainArgs(), extra...) }
	if err := s.startFresh(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(s.Stop)
	return s
}

// TLSFiles are PEM files made by NewTLS: a CA, a server certificate for
// 127.0.0.1 and localhost signed by it, and a client certificate.
type TLSFiles struct {
	CA, ServerCert, ServerKey, ClientCert, ClientKey string
	Pool                                             *x509.CertPool
}

// NewTLS makes a fresh CA and certificates in dir, with crypto/x509.
func NewTLS(tb testing.TB, dir, name string) TLSFiles {
	tb.Helper()
	caKey, caCert, caDER := newCert(tb, name+" test CA", nil, nil, func(t *x509.Certificate) {
		t.IsCA, t.BasicConstraintsValid = true, true
		t.KeyUsage = x509.KeyUsageCertSign | x509.KeyUsageCRLSign
	})
	f := TLSFiles{
		CA:         filepath.Join(dir, name+"-ca.pem"),
		ServerCert: filepath.Join(dir, name+"-server.pem"), ServerKey: filepath.Join(dir, name+"-server-key.pem"),
		ClientCert: filepath.Join(dir, name+"-client.pem"), ClientKey: filepath.Join(dir, name+"-client-key.pem"),
		Pool: x509.NewCertPool(),
	}
	f.Pool.AddCert(caCert)
	writePEM(tb, f.CA, "CERTIFICATE", caDER)
	sk, _, sDER := newCert(tb, "127.0.0.1", caCert, caKey, func(t *x509.Certificate) {
		t.IPAddresses, t.DNSNames = []net.IP{net.IPv4(127, 0, 0, 1)}, []string{"localhost", "redis.test"}
		t.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
	})
	writePEM(tb, f.ServerCert, "CERTIFICATE", sDER)
	writeKey(tb, f.ServerKey, sk)
	ck, _, cDER := newCert(tb, "tickstock client", caCert, caKey, func(t *x509.Certificate) {
		t.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}
	})
	writePEM(tb, f.ClientCert, "CERTIFICATE", cDER)
	writeKey(tb, f.ClientKey, ck)
	return f
}

func newCert(tb testing.TB, cn string, parent *x509.Certificate, parentKey *ecdsa.PrivateKey, edit func(*x509.Certificate)) (*ecdsa.PrivateKey, *x509.Certificate, []byte) {
	tb.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		tb.Fatal(err)
	}
	serial, _ := rand.Int(rand.Reader, big.NewInt(1<<62))
	tmpl := &x509.Certificate{
		SerialNumber: serial, Subject: pkix.Name{CommonName: cn},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature,
	}
	edit(tmpl)
	if parent == nil {
		parent, parentKey = tmpl, key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, &key.PublicKey, parentKey)
	if err != nil {
		tb.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	return key, cert, der
}

func writePEM(tb testing.TB, path, typ string, der []byte) {
	tb.Helper()
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600); err != nil {
		tb.Fatal(err)
	}
}

func writeKey(tb testing.TB, path string, k *ecdsa.PrivateKey) {
	tb.Helper()
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		tb.Fatal(err)
	}
	writePEM(tb, path, "PRIVATE KEY", der)
}

// StartTLS starts a redis-server that speaks only TLS (no plain port) and
// requires a client certificate signed by the CA of the returned files.
// Its URL is rediss://127.0.0.1:PORT/0.
func StartTLS(tb testing.TB) (*Server, TLSFiles) {
	tb.Helper()
	need(tb, "redis-server", "redis-server")
	dir := tb.TempDir()
	f := NewTLS(tb, dir, "redis")
	pair, err := tls.LoadX509KeyPair(f.ClientCert, f.ClientKey)
	if err != nil {
		tb.Fatal(err)
	}
	s := &Server{dir: dir, tlsConf: &tls.Config{RootCAs: f.Pool, Certificates: []tls.Certificate{pair}, ServerName: "127.0.0.1"}}
	s.args = func() []string {
		a := s.plainArgs()
		a[1] = "0" // no plain port
		return append(a, "--tls-port", strconv.Itoa(s.port),
			"--tls-cert-file", f.ServerCert, "--tls-key-file", f.ServerKey,
			"--tls-ca-cert-file", f.CA, "--tls-auth-clients", "yes")
	}
	if err := s.startFresh(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(s.Stop)
	return s, f
}

// Query sends one command and returns the whole reply flattened to strings
// (bulk and simple strings, integers, nested arrays in order); an error reply
// is an error.
func (s *Server) Query(ctx context.Context, args ...string) ([]string, error) {
	c, err := dial(ctx, s.Addr, s.tlsConf)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(2 * time.Second))
	msg := "*" + strconv.Itoa(len(args)) + "\r\n"
	for _, a := range args {
		msg += "$" + strconv.Itoa(len(a)) + "\r\n" + a + "\r\n"
	}
	if _, err := c.Write([]byte(msg)); err != nil {
		return nil, err
	}
	var out []string
	return out, readReply(bufio.NewReader(c), &out)
}

func readReply(r *bufio.Reader, out *[]string) error {
	line, err := r.ReadString('\n')
	if err != nil {
		return err
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return errors.New("empty reply")
	}
	switch line[0] {
	case '-':
		return errors.New(line[1:])
	case '+', ':':
		*out = append(*out, line[1:])
	case '$':
		n, _ := strconv.Atoi(line[1:])
		if n < 0 {
			*out = append(*out, "")
			return nil
		}
		buf := make([]byte, n+2)
		if _, err := ioReadFull(r, buf); err != nil {
			return err
		}
		*out = append(*out, string(buf[:n]))
	case '*':
		n, _ := strconv.Atoi(line[1:])
		for i := 0; i < n; i++ {
			if err := readReply(r, out); err != nil {
				return err
			}
		}
	default:
		return fmt.Errorf("unexpected reply %q", line)
	}
	return nil
}

func ioReadFull(r *bufio.Reader, buf []byte) (int, error) {
	n := 0
	for n < len(buf) {
		m, err := r.Read(buf[n:])
		n += m
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// waitFor polls cond every 50 ms until it holds or timeout passes.
func waitFor(tb testing.TB, what string, timeout time.Duration, cond func() (bool, string)) {
	tb.Helper()
	deadline := time.Now().Add(timeout)
	last := ""
	for time.Now().Before(deadline) {
		ok, state := cond()
		if ok {
			return
		}
		last = state
		time.Sleep(50 * time.Millisecond)
	}
	tb.Fatalf("%s: not within %v (last seen: %s)", what, timeout, last)
}

// Sentinel is a master, one replica of it and one redis-sentinel watching
// them with quorum 1 and short timeouts (a failover takes about 2 s).
type Sentinel struct {
	Master, Replica, Sentinel *Server
	Name                      string // the master's name for REDIS_SENTINEL_MASTER
}

// StartSentinel starts the three processes and returns once the sentinel
// knows the replica (only then can it promote it).
func StartSentinel(tb testing.TB) *Sentinel {
	tb.Helper()
	need(tb, "redis-sentinel", "redis-sentinel")
	fast := []string{"--repl-diskless-sync", "yes", "--repl-diskless-sync-delay", "0"}
	st := &Sentinel{Name: "tickstock"}
	st.Master = StartWith(tb, fast...)
	st.Replica = StartWith(tb, append(fast, "--replicaof", "127.0.0.1", strconv.Itoa(st.Master.port))...)
	ctx := context.Background()
	waitFor(tb, "the replica in sync with the master", 10*time.Second, func() (bool, string) {
		r, err := st.Replica.Query(ctx, "INFO", "replication")
		info := strings.Join(r, "")
		return err == nil && strings.Contains(info, "master_link_status:up"), fmt.Sprint(info, err)
	})
	s := &Server{dir: tb.TempDir(), bin: "redis-sentinel"}
	s.args = func() []string {
		conf := filepath.Join(s.dir, "sentinel.conf")
		text := fmt.Sprintf("port %d\nbind 127.0.0.1\ndir %s\nlogfile %s/sentinel.log\n"+
			"sentinel monitor %s 127.0.0.1 %d 1\n"+
			"sentinel down-after-milliseconds %s 400\n"+
			"sentinel failover-timeout %s 2000\n",
			s.port, s.dir, s.dir, st.Name, st.Master.port, st.Name, st.Name)
		_ = os.WriteFile(conf, []byte(text), 0o600)
		return []string{conf}
	}
	if err := s.startFresh(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(s.Stop)
	st.Sentinel = s
	waitFor(tb, "the sentinel knows the replica", 10*time.Second, func() (bool, string) {
		r, err := s.Query(ctx, "INFO", "sentinel")
		info := strings.Join(r, "")
		return err == nil && strings.Contains(info, "status=ok") && strings.Contains(info, "slaves=1"), fmt.Sprint(info, err)
	})
	return st
}

// MasterAddr is the master's address as the sentinel gives it now.
func (st *Sentinel) MasterAddr(ctx context.Context) (string, error) {
	r, err := st.Sentinel.Query(ctx, "SENTINEL", "get-master-addr-by-name", st.Name)
	if err != nil {
		return "", err
	}
	if len(r) != 2 {
		return "", fmt.Errorf("no master named %s: %q", st.Name, r)
	}
	return net.JoinHostPort(r[0], r[1]), nil
}

// WaitPromoted waits until the sentinel names the replica as the master.
func (st *Sentinel) WaitPromoted(tb testing.TB, timeout time.Duration) {
	tb.Helper()
	waitFor(tb, "the sentinel promoting the replica", timeout, func() (bool, string) {
		a, err := st.MasterAddr(context.Background())
		return err == nil && a == st.Replica.Addr, fmt.Sprint(a, err)
	})
}

// Cluster is a Redis Cluster of masters without replicas, made by
// redis-cli --cluster create.
type Cluster struct {
	Nodes []*Server
}

// Addrs are the nodes' host:port.
func (c *Cluster) Addrs() []string {
	var a []string
	for _, n := range c.Nodes {
		a = append(a, n.Addr)
	}
	return a
}

// StartCluster starts n (≥ 3) cluster-enabled servers on free ports (client
// and bus ports), joins them with redis-cli --cluster create and waits for
// cluster_state:ok on every node.
func StartCluster(tb testing.TB, n int) *Cluster {
	tb.Helper()
	need(tb, "redis-cli", "redis-tools")
	c := &Cluster{}
	for i := 0; i < n; i++ {
		busPort, err := testproc.FreePort()
		if err != nil {
			tb.Fatal(err)
		}
		dir := tb.TempDir()
		c.Nodes = append(c.Nodes, StartWith(tb, "--cluster-enabled", "yes", "--cluster-config-file", dir+"/nodes.conf",
			"--cluster-port", strconv.Itoa(busPort), "--cluster-node-timeout", "2000"))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	args := append([]string{"--cluster", "create"}, c.Addrs()...)
	args = append(args, "--cluster-replicas", "0", "--cluster-yes")
	if out, err := exec.CommandContext(ctx, "redis-cli", args...).CombinedOutput(); err != nil {
		tb.Fatalf("redis-cli --cluster create: %v\n%s", err, out)
	}
	for _, node := range c.Nodes {
		waitFor(tb, "cluster_state:ok on "+node.Addr, 15*time.Second, func() (bool, string) {
			r, err := node.Query(ctx, "CLUSTER", "INFO")
			info := strings.Join(r, "")
			return err == nil && strings.Contains(info, "cluster_state:ok"), fmt.Sprint(info, err)
		})
	}
	return c
}
