package monitor

import (
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"
)

// TestValidate: defaults filled in, and every problem named "<kind>.<field>" with its rule.
func TestValidate(t *testing.T) {
	t.Parallel()
	c := &Checker{}
	for _, tc := range []struct {
		name string
		kind Kind
		in   string
		out  string   // the normalised settings, when valid
		errs []string // "field rule", when not
	}{
		{"http defaults", KindHTTP, `{"url":"https://example.com/health"}`,
			`{"url":"https://example.com/health","method":"GET","follow_redirects":true,"verify_tls":true}`, nil},
		{"http full", KindHTTP, `{"url":"http://example.com","method":"POST","headers":{"Authorization":"Bearer x"},"body":"{}","expect_status":[200,204],"keyword":"ok","keyword_absent":true,"json_path":"a.0.b","json_equals":"none","degraded_after":"2s","follow_redirects":false,"verify_tls":false}`,
			`{"url":"http://example.com","method":"POST","headers":{"Authorization":"Bearer x"},"body":"{}","expect_status":[200,204],"keyword":"ok","keyword_absent":true,"json_path":"a.0.b","json_equals":"none","degraded_after":"2s","follow_redirects":false,"verify_tls":false}`, nil},
		{"http unknown key", KindHTTP, `{"url":"https://example.com","timeout":"5s","Method":"GET"}`, "", []string{"http.timeout unknown_field", "http.Method unknown_field"}},
		{"http wrong types", KindHTTP, `{"url":"https://example.com","expect_status":"200","follow_redirects":"yes"}`, "", []string{"http.expect_status type", "http.follow_redirects type"}},
		{"http bad values", KindHTTP, `{"url":"ftp://example.com","method":"FETCH","expect_status":[200,99,600],"degraded_after":"soon","keyword_absent":true,"json_equals":"x"}`, "",
			[]string{"http.url url_scheme", "http.method one_of", "http.expect_status[1] range", "http.expect_status[2] range", "http.keyword_absent requires", "http.json_equals requires", "http.degraded_after duration"}},
		{"http headers", KindHTTP, `{"url":"https://example.com","headers":{"Authorization":"a\r\nb","Bad Name":"x"}}`, "", []string{"http.headers.Authorization header_value", "http.headers.Bad Name header_name"}},
		{"http head", KindHTTP, `{"url":"https://example.com","method":"HEAD","keyword":"x","json_path":"a"}`, "", []string{"http.keyword method", "http.json_path method"}},
		{"http no url", KindHTTP, `{}`, "", []string{"http.url required"}},
		{"http url without host", KindHTTP, `{"url":"https:///path"}`, "", []string{"http.url url"}},
		{"http json path", KindHTTP, `{"url":"https://example.com","json_path":"a..b","degraded_after":"-1s"}`, "", []string{"http.json_path json_path", "http.degraded_after range"}},
		{"not an object", KindHTTP, `[1,2]`, "", []string{"http type"}},
		{"not json", KindHTTP, `{"url":`, "", []string{"http json"}},
		{"tls defaults", KindTLS, `{"host":"example.com"}`, `{"host":"example.com","port":443,"warn_days":14,"fail_days":3}`, nil},
		{"tls bad", KindTLS, `{"host":"exa mple.com","port":70000,"warn_days":2,"fail_days":5}`, "", []string{"tls.host host", "tls.port range", "tls.fail_days range"}},
		{"tcp", KindTCP, `{"host":"10.0.0.1","port":22}`, `{"host":"10.0.0.1","port":22}`, nil},
		{"tcp no port", KindTCP, `{"host":"db.example.com"}`, "", []string{"tcp.port required"}},
		{"tcp host with port", KindTCP, `{"host":"db.example.com:5432","port":5432}`, "", []string{"tcp.host host"}},
		{"dns defaults", KindDNS, `{"name":"example.com"}`, `{"name":"example.com","type":"A"}`, nil},
		{"dns bad", KindDNS, `{"name":"exa mple","type":"SOA","resolver":"not a resolver:x"}`, "", []string{"dns.name host", "dns.type one_of", "dns.resolver host_port"}},
		{"dns expect", KindDNS, `{"name":"example.com","type":"AAAA","expect":["192.0.2.1","2001:db8::1"]}`, "", []string{"dns.expect[0] ipv6"}},
		{"dns resolver without port", KindDNS, `{"name":"example.com","resolver":"9.9.9.9"}`, `{"name":"example.com","type":"A","resolver":"9.9.9.9"}`, nil},
		{"ping defaults", KindPing, `{"host":"example.com"}`, `{"host":"example.com","count":1}`, nil},
		{"ping count", KindPing, `{"host":"example.com","count":11}`, "", []string{"ping.count range"}},
		{"heartbeat defaults", KindHeartbeat, ``, `{"grace":"1m"}`, nil},
		{"heartbeat null", KindHeartbeat, `null`, `{"grace":"1m"}`, nil},
		{"heartbeat grace", KindHeartbeat, `{"grace":"90s"}`, `{"grace":"90s"}`, nil},
		{"heartbeat bad", KindHeartbeat, `{"grace":"1 minute","url":"x"}`, "", []string{"heartbeat.url unknown_field"}},
		{"heartbeat bad grace", KindHeartbeat, `{"grace":"1 minute"}`, "", []string{"heartbeat.grace duration"}},
		{"postgres defaults", KindPostgres, `{"host":"db"}`, `{"host":"db","port":5432,"user":"postgres","tls":"off"}`, nil},
		{"mysql defaults", KindMySQL, `{"host":"db","password":"pw","database":"shop"}`, `{"host":"db","port":3306,"user":"root","password":"pw","database":"shop","tls":"off"}`, nil},
		{"mysql bad tls", KindMySQL, `{"host":"db","tls":"yes"}`, "", []string{"mysql.tls one_of"}},
		{"redis defaults", KindRedis, `{"host":"cache"}`, `{"host":"cache","port":6379,"database":0,"tls":"off"}`, nil},
		{"redis bad", KindRedis, `{"host":"cache","database":-1,"tls":"skip-verify","dbname":"x"}`, "", []string{"redis.dbname unknown_field"}},
		{"redis bad database", KindRedis, `{"host":"cache","database":-1}`, "", []string{"redis.database range"}},
		{"smtp defaults", KindSMTP, `{"host":"mx.example.com","starttls":true}`, `{"host":"mx.example.com","port":25,"starttls":true}`, nil},
		{"statuspage", KindStatuspage, `{"url":"https://www.githubstatus.com/api/v2/summary.json","components":["Git Operations"],"supplier":"GitHub"}`,
			`{"url":"https://www.githubstatus.com/api/v2/summary.json","components":["Git Operations"],"supplier":"GitHub"}`, nil},
		{"statuspage bad", KindStatuspage, `{"url":"status.example.com","components":[""]}`, "", []string{"statuspage.url url_scheme", "statuspage.components[0] required"}},
		{"unknown kind", Kind("gopher"), `{}`, "", []string{"kind one_of"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			out, err := c.Validate(tc.kind, json.RawMessage(tc.in))
			if tc.errs == nil {
				if err != nil {
					t.Fatalf("error %v", err)
				}
				if string(out) != tc.out {
					t.Fatalf("normalised\n %s\nwant\n %s", out, tc.out)
				}
				// Normalised settings validate to themselves.
				again, err := c.Validate(tc.kind, out)
				if err != nil || string(again) != string(out) {
					t.Fatalf("again: %s, %v", again, err)
				}
				return
			}
			if err == nil {
				t.Fatalf("valid (%s), want %v", out, tc.errs)
			}
			if got := fieldRules(t, err); !reflect.DeepEqual(got, tc.errs) {
				t.Fatalf("errors\n %q\nwant\n %q", got, tc.errs)
			}
		})
	}
}

// TestRedact: no secret survives, and what is not secret stays as it was.
func TestRedact(t *testing.T) {
	t.Parallel()
	c := &Checker{}
	secrets := []string{"hunter2", "s3cr3t-t0ken", "ck-123", "xyz-key", "sig-abc", "db-pw!", "sess1on", "tok%2Fen"}
	for _, tc := range []struct {
		kind Kind
		in   string
		keep []string
	}{
		{KindHTTP, `{"url":"https://bob:hunter2@example.com/health?api_key=xyz-key&page=2&X-Amz-Signature=sig-abc&token=tok%2Fen","method":"GET",` +
			`"headers":{"Authorization":"Bearer s3cr3t-t0ken","Cookie":"session=sess1on","X-Api-Key":"ck-123","Accept":"text/html","X-Client-Secret":"hunter2"},"keyword":"healthy"}`,
			[]string{"bob", "example.com/health", "page=2", "text/html", `"keyword":"healthy"`, "api_key=********&page=2"}},
		{KindPostgres, `{"host":"db","user":"app","password":"db-pw!","database":"shop"}`, []string{`"user":"app"`, `"database":"shop"`, `"password":"********"`}},
		{KindRedis, `{"host":"cache","password":"hunter2"}`, []string{`"host":"cache"`}},
		{KindStatuspage, `{"url":"https://status.example.com/api/v2/summary.json?access_token=s3cr3t-t0ken","supplier":"Ex"}`, []string{"status.example.com/api/v2/summary.json", `"supplier":"Ex"`}},
		{KindHTTP, `{"url":"not a url with @ and ?token=hunter2"}`, nil},
		{KindHTTP, `{"broken":`, nil},
		{KindHTTP, ``, nil},
	} {
		out := string(c.Redact(tc.kind, json.RawMessage(tc.in)))
		for _, s := range secrets {
			if strings.Contains(out, s) {
				t.Errorf("%s: secret %q survives in %s", tc.kind, s, out)
			}
		}
		for _, k := range tc.keep {
			if !strings.Contains(out, k) {
				t.Errorf("%s: %q lost in %s", tc.kind, k, out)
			}
		}
		if !json.Valid([]byte(out)) {
			t.Errorf("%s: not JSON: %s", tc.kind, out)
		}
	}
}

func TestHeartbeatIsNotRun(t *testing.T) {
	t.Parallel()
	r := run(t, &Checker{}, KindHeartbeat, json.RawMessage(`{"grace":"5m"}`))
	expect(t, r, Down, "pushed")
	because(t, r, ReasonPushed)
	if g := HeartbeatGrace(json.RawMessage(`{"grace":"5m"}`)); g != 5*time.Minute {
		t.Errorf("grace %s", g)
	}
	if g := HeartbeatGrace(nil); g != DefaultGrace {
		t.Errorf("default grace %s", g)
	}
}

// TestRunBadSettings: Run refuses what Validate refuses, as a down result saying why, and
// never shows a secret doing so.
func TestRunBadSettings(t *testing.T) {
	t.Parallel()
	c := &Checker{}
	r := run(t, c, KindHTTP, json.RawMessage(`{"url":"ftp://x"}`))
	expect(t, r, Down, "settings are not valid: http.url must start with http://")
	because(t, r, ReasonSettings)
	expect(t, run(t, c, KindHTTP, json.RawMessage(`{"url":`)), Down, "settings are not valid")
	expect(t, run(t, c, KindTCP, nil), Down, "tcp.host is required")
	expect(t, run(t, c, Kind("gopher"), nil), Down, `unknown kind of check "gopher"`)
	r = run(t, c, KindPostgres, json.RawMessage(`{"host":"db example","password":"hunter2-pw"}`))
	expect(t, r, Down, "postgres.host")
	if strings.Contains(r.Error, "hunter2-pw") {
		t.Error(r.Error)
	}
}

// TestRunCancelled: a check whose context is already done ends at once, down.
func TestRunCancelled(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	ln := listen(t)
	r := (&Checker{}).Run(ctx, KindTCP, settings(t, map[string]any{"host": "127.0.0.1", "port": portOf(t, ln.Addr().String())}), time.Minute)
	expect(t, r, Down, "stopped")
	because(t, r, ReasonStopped)
}

func TestStatusWorse(t *testing.T) {
	t.Parallel()
	for _, k := range Kinds() {
		if !k.Valid() {
			t.Errorf("%s not valid", k)
		}
	}
	if Kind("gopher").Valid() || Kind("").Valid() {
		t.Error("unknown kinds valid")
	}
	if !Down.Worse(Degraded) || !Degraded.Worse(Up) || Up.Worse(Up) || Up.Worse(Down) {
		t.Fatal("order of verdicts")
	}
	for _, st := range []string{"operational", "under_maintenance", "degraded_performance", "partial_outage", "major_outage"} {
		if _, ok := supplierRank[st]; !ok {
			t.Errorf("%s has no rank", st)
		}
	}
}
