"""A TickStockAppV2 stand-in for tests, on TickStockAppV2's own stack.

Written from TickStockAppV2's source at HEAD (repository mcfalli/TickSTockAppV2):
  - config/app_config.py: CSRFProtect, LoginManager(login_view='login'),
    SocketIO(async_mode='eventlet', ping_interval=10,
    ping_timeout=60);
  - src/presentation/validators/forms.py: LoginForm (email with Email(),
    password, terms_accepted and captcha_response as required checkboxes,
    fingerprint_data hidden);
  - src/api/rest/auth.py + src/auth/authentication.py: the /login route, its
    flashed messages, the redirect to index on success and the login page
    with the renewal modal when the subscription has expired;
  - src/utils/auth_decorators.py: admin_required (admin and super; 403 else);
  - src/api/rest/admin_websockets.py: the admin_websockets blueprint under
    /admin, /admin/api/admin/websocket-status, and the /admin-ws namespace
    (refuses non-admins, connection_status_update on connect, tick_update
    for every Redis tick with connection_id added, metrics_update every 5 s
    per connection and with the full health on request_metrics);
  - src/infrastructure/websocket/multi_connection_manager.py:
    get_health_status(), which lists only the enabled connections.

Also as TickStockAppV2 really runs (started from its HEAD, 864dd0c):
  - "launch": "script" is `python src/app.py` (start_app.py): the status API
    answers 500 "WebSocket connection manager not available", /admin-ws
    accepts admins and never emits, request_metrics gets an `error` event;
  - src/auth/authentication.py: 5 failed sign-ins lock the account,
    disabled and unverified accounts get their own flashed messages, an
    expired subscription re-renders the login page with the renewal modal;
  - Flask-Login's default login_message, no `next` (USE_SESSION_FOR_NEXT);
  - CSRF tokens expire (WTF_CSRF_TIME_LIMIT, 3,600 s by default);
  - SERVER_NAME = APP_HOST:APP_PORT (Flask 2.2: any other Host is a 404);
  - MultiConnectionManager: status words as the provider client reports
    them (status_update, connecting, disconnected), a connect failure into
    `error` without counting it, and subscribe() moving tickers to the first
    connected connection.

Not TickStockAppV2: the database is a JSON file of users, and the /_standin/
routes let tests steer it (set a connection's status, count sign-ins).
Run: /usr/bin/python3 standin.py --port N --config FILE
"""

# TickStockAppV2's src/app.py: the eventlet monkey patch comes first.
import eventlet

eventlet.monkey_patch()

import argparse
import json
import random
import threading
import time

import redis
from flask import (Blueprint, Flask, abort, flash, jsonify, redirect,
                   render_template_string, request, url_for)
from flask import request as flask_request
from flask_login import (LoginManager, UserMixin, current_user, login_required,
                         login_user)
from flask_socketio import Namespace, SocketIO, emit, join_room, leave_room
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFProtect
from werkzeug.security import check_password_hash, generate_password_hash
from wtforms import BooleanField, HiddenField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Email

parser = argparse.ArgumentParser()
parser.add_argument("--port", type=int, required=True)
parser.add_argument("--config", required=True)
args = parser.parse_args()
with open(args.config) as f:
    CONFIG = json.load(f)

# "script": started as `python src/app.py`, admin_websockets.py's `from
# src.app import market_service, socketio` reads a second copy of the
# module whose globals are None.
SCRIPT_LAUNCH = CONFIG.get("launch") == "script"

app = Flask(__name__)
# A new key per start, as TickStockAppV2 without FLASK_SECRET_KEY: sessions
# do not survive a restart.
app.config["SECRET_KEY"] = CONFIG.get("secret_key") or __import__("os").urandom(16).hex()
# Flask-WTF's default, which TickStockAppV2 keeps.
app.config["WTF_CSRF_TIME_LIMIT"] = CONFIG.get("csrf_time_limit") or 3600
# config/app_config.py: SERVER_NAME = f"{APP_HOST}:{APP_PORT}"; with Flask
# 2.2 a request for any other Host is a 404 and the session cookie carries
# Domain=<host>.
if not CONFIG.get("no_server_name"):
    app.config["SERVER_NAME"] = CONFIG.get("server_name") or "127.0.0.1:%d" % args.port
app.config["USE_SESSION_FOR_NEXT"] = True
csrf = CSRFProtect(app)
login_manager = LoginManager(app)
login_manager.login_view = "login"
socketio = SocketIO(app, cors_allowed_origins="*", async_mode="eventlet",
                    ping_timeout=60, ping_interval=10,
                    max_http_buffer_size=5 * 1024 * 1024)

STATS = {"login_posts": 0, "logins_ok": 0, "ws_connects": 0, "ws_refused": 0, "status_gets": 0}
STATS_LOCK = threading.Lock()


class User(UserMixin):
    def __init__(self, u):
        self.id = u["email"]
        self.email = u["email"]
        self.role = u.get("role", "user")
        self.password_hash = generate_password_hash(u["password"])
        self.subscription_expired = u.get("subscription_expired", False)
        # "redirect" is the dead branch of auth.py (never taken at HEAD).
        self.expired_mode = u.get("expired_mode", "modal")
        self.phone = u.get("phone", "+15555550100")
        self.is_verified = u.get("verified", True)
        self.is_disabled = u.get("disabled", False)
        self.account_locked_until = 0.0

    def check_password(self, pw):
        return check_password_hash(self.password_hash, pw)

    def is_admin(self):
        return self.role in ("admin", "super")


USERS = {u["email"]: User(u) for u in CONFIG["users"]}
# AuthenticationManager: MAX_LOGIN_ATTEMPTS 5, LOCKOUT_DURATION_MINUTES 20.
MAX_ATTEMPTS = 5
LOCKOUT_SECONDS = CONFIG.get("lockout_seconds") or 20 * 60
FAILED = {}  # email -> failed sign-ins since the last good one


@login_manager.user_loader
def load_user(user_id):
    return USERS.get(user_id)


def admin_required(f):
    """src/utils/auth_decorators.py."""
    from functools import wraps

    @wraps(f)
    def decorated_function(*a, **kw):
        if not current_user.is_authenticated:
            abort(401)
        if not current_user.is_admin():
            abort(403)
        return f(*a, **kw)

    return decorated_function


class LoginForm(FlaskForm):
    """src/presentation/validators/forms.py, field for field."""

    email = StringField("Email", validators=[DataRequired(), Email()])
    password = PasswordField("Password", validators=[DataRequired()])
    terms_accepted = BooleanField(
        'I accept the <a href="/terms" target="_blank">Terms and Conditions</a>',
        validators=[DataRequired()])
    captcha_response = BooleanField("CAPTCHA (stub)", validators=[DataRequired()])
    fingerprint_data = HiddenField()
    submit = SubmitField("Login")


# The parts of web/templates/auth/login.html a client sees.
LOGIN_HTML = """<!DOCTYPE html>
<html><head><title>Login - TickStock</title>
<script>
document.addEventListener('DOMContentLoaded', () => {
    const showModal = '{{ show_renewal_modal or "" }}' === 'True';
    if (showModal) { document.getElementById('renewalModal').classList.add('show'); }
});
</script></head>
<body><div class="auth-panel"><h2>Login</h2>
{% with messages = get_flashed_messages() %}{% if messages %}
<ul class="flash-messages">{% for message in messages %}<li>{{ message }}</li>{% endfor %}</ul>
{% endif %}{% endwith %}
<form method="POST">
{{ form.hidden_tag() }}
<div class="form-group"><label for="email">Email:</label>{{ form.email(class="form-control") }}</div>
<div class="form-group"><label for="password">Password:</label>{{ form.password(class="form-control") }}</div>
<div class="form-group"><label>{{ form.captcha_response }} I am not a robot (stub)</label></div>
<div class="form-group terms-checkbox"><label>{{ form.terms_accepted }} I accept the Terms and Conditions</label></div>
{{ form.fingerprint_data(class="form-control", type="hidden") }}
{{ form.submit(class="btn btn-primary") }}
</form></div>
<div id="renewalModal" class="modal"><h3>Subscription Expired</h3>
<p>Your subscription has expired, but your login credentials are valid.</p></div>
</body></html>"""


@app.route("/")
def index():
    return "TickStock"


@app.route("/login", methods=["GET", "POST"])
def login():
    """src/api/rest/auth.py login() with AuthenticationManager.login()."""
    form = LoginForm()
    if request.method == "POST":
        with STATS_LOCK:
            STATS["login_posts"] += 1
    if request.method == "POST" and not form.validate_on_submit():
        flash("Failure to authenticate")
    if form.validate_on_submit():
        outcome = authenticate(form.email.data, form.password.data)
        if outcome == "ok":
            login_user(USERS[form.email.data])
            with STATS_LOCK:
                STATS["logins_ok"] += 1
            return redirect(url_for("index"))
        if outcome == "renewal_modal":
            return render_template_string(LOGIN_HTML, form=form, show_renewal_modal=True)
        if outcome == "renewal_redirect":
            return redirect(url_for("subscription_renewal"))
    return render_template_string(LOGIN_HTML, form=form)


def locked(user):
    return user is not None and user.account_locked_until > time.time()


def authenticate(email, password):
    """AuthenticationManager.login(): check_rate_limit, then the account,
    then the password; every refusal is a flashed message."""
    user = USERS.get(email)
    if user is not None and user.is_disabled:
        flash("Your account is disabled, contact support")
        return "refused"
    if locked(user):
        flash("Your account is temporarily locked out")
        return "refused"
    if user is None:
        FAILED[email] = FAILED.get(email, 0) + 1
        flash("Failure to authenticate")
        return "refused"
    if not user.is_verified:
        flash("Please verify your email before logging in")
        return "refused"
    if not user.check_password(password):
        FAILED[email] = FAILED.get(email, 0) + 1
        if FAILED[email] >= MAX_ATTEMPTS:
            user.account_locked_until = time.time() + LOCKOUT_SECONDS
            FAILED[email] = 0
            flash("Your account is temporarily locked out")
        else:
            flash("Failure to authenticate")
        return "refused"
    if user.subscription_expired:
        if user.expired_mode == "redirect":
            return "renewal_redirect"
        if not user.phone:
            flash("Your subscription has expired and no phone number is on file. Please contact support to renew.")
            return "refused"
        return "renewal_modal"
    FAILED[email] = 0
    return "ok"


@app.route("/subscription_renewal")
def subscription_renewal():
    return "Renew your subscription"


class Connections:
    """MultiConnectionManager's bookkeeping: only enabled connections exist."""

    def __init__(self, conf):
        self._lock = threading.RLock()
        self.connections = {}
        self.ticker_to_connection = {}
        self.total_ticks_received = 0
        self.total_errors = 0
        for cid, c in conf.items():
            self.connections[cid] = {
                "name": c.get("name", cid), "status": c.get("status", "connected"),
                "tickers": list(c.get("tickers", [])), "message_count": 0,
                "error_count": c.get("error_count", 0), "last_message_time": 0.0}
            for t in c.get("tickers", []):
                self.ticker_to_connection[t] = cid

    def get_health_status(self):
        with self._lock:
            return {
                "total_connections": len(self.connections),
                "connected_count": sum(1 for c in self.connections.values() if c["status"] == "connected"),
                "total_ticks_received": self.total_ticks_received,
                "total_errors": self.total_errors,
                "connections": {
                    cid: {"name": c["name"], "status": c["status"],
                          "assigned_tickers": len(c["tickers"]),
                          "message_count": c["message_count"], "error_count": c["error_count"],
                          "last_message_time": c["last_message_time"]}
                    for cid, c in self.connections.items()},
            }

    def get_ticker_assignment(self, symbol):
        return self.ticker_to_connection.get(symbol)

    def tick(self, symbol):
        with self._lock:
            cid = self.ticker_to_connection.get(symbol)
            if cid:
                self.total_ticks_received += 1
                self.connections[cid]["message_count"] += 1
                self.connections[cid]["last_message_time"] = time.time()

    def set_status(self, cid, status, counted=True):
        """_aggregate_status_callback: the provider client's word as sent
        (status_update after its "subscribed to" confirmations, connecting,
        disconnected, …); an error counts. connect() failing (a timeout)
        sets "error" without counting it (counted=False)."""
        with self._lock:
            c = self.connections[cid]
            c["status"] = status
            if status == "error" and counted:
                c["error_count"] += 1
                self.total_errors += 1

    def subscribe(self, tickers):
        """MultiConnectionManager.subscribe(): the tickers go to the first
        connected connection and override every other assignment."""
        with self._lock:
            for cid, c in self.connections.items():
                if c["status"] != "connected":
                    continue
                for other in self.connections.values():
                    other["tickers"] = [t for t in other["tickers"] if t not in tickers]
                c["tickers"] = c["tickers"] + [t for t in tickers if t not in c["tickers"]]
                for t in tickers:
                    self.ticker_to_connection[t] = cid
                return cid
            return None


MANAGER = Connections(CONFIG.get("connections", {}))
REDIS_URL = CONFIG.get("redis_url", "")
CHANNEL = CONFIG.get("channel", "tickstock:market:ticks")

admin_websockets_bp = Blueprint("admin_websockets", __name__, url_prefix="/admin")


@admin_websockets_bp.route("/api/admin/websocket-status")
@login_required
@admin_required
def get_websocket_status():
    with STATS_LOCK:
        STATS["status_gets"] += 1
    if SCRIPT_LAUNCH or CONFIG.get("manager_unavailable"):
        # market_service is None in the second copy of src/app.py: the
        # AttributeError branch.
        return jsonify({"status": "error", "message": "WebSocket connection manager not available"}), 500
    return jsonify({"status": "success", "data": MANAGER.get_health_status(), "timestamp": time.time()})


app.register_blueprint(admin_websockets_bp)


class AdminWebSocketNamespace(Namespace):
    """src/api/rest/admin_websockets.py AdminWebSocketNamespace."""

    def __init__(self, namespace):
        super().__init__(namespace)
        self.redis_client = redis.Redis.from_url(REDIS_URL, decode_responses=True) if REDIS_URL else None
        self.redis_subscriber_thread = None
        self.metrics_broadcaster_thread = None
        self.active_clients = 0
        self._lock = threading.Lock()

    def on_connect(self):
        if not current_user.is_authenticated or not current_user.is_admin():
            with STATS_LOCK:
                STATS["ws_refused"] += 1
            return False
        join_room("admin_monitoring")
        with STATS_LOCK:
            STATS["ws_connects"] += 1
        with self._lock:
            self.active_clients += 1
            first_client = self.active_clients == 1
        if first_client:
            self._start_background_threads()
        if not SCRIPT_LAUNCH:  # else: "Error sending initial status", logged only
            emit("connection_status_update", MANAGER.get_health_status(), to=flask_request.sid)
        return True

    def on_disconnect(self):
        leave_room("admin_monitoring")
        with self._lock:
            self.active_clients -= 1

    def on_request_metrics(self, data=None):
        if SCRIPT_LAUNCH:
            emit("error", {"message": "Failed to fetch metrics"}, to=flask_request.sid)
            return
        emit("metrics_update", MANAGER.get_health_status(), to=flask_request.sid)

    def _start_background_threads(self):
        if self.redis_client and (self.redis_subscriber_thread is None or not self.redis_subscriber_thread.is_alive()):
            self.redis_subscriber_thread = threading.Thread(target=self._subscribe_to_ticks, daemon=True)
            self.redis_subscriber_thread.start()
        if self.metrics_broadcaster_thread is None or not self.metrics_broadcaster_thread.is_alive():
            self.metrics_broadcaster_thread = threading.Thread(target=self._broadcast_metrics, daemon=True)
            self.metrics_broadcaster_thread.start()

    def _subscribe_to_ticks(self):
        pubsub = self.redis_client.pubsub()
        pubsub.subscribe(CHANNEL)
        for message in pubsub.listen():
            if message["type"] != "message":
                continue
            try:
                tick = json.loads(message["data"])
                symbol = tick.get("symbol")
                if symbol:
                    tick["connection_id"] = MANAGER.get_ticker_assignment(symbol)
                if SCRIPT_LAUNCH:  # socketio is None in the second copy
                    continue
                socketio.emit("tick_update", tick, namespace="/admin-ws", room="admin_monitoring")
            except Exception:  # as TickStockAppV2: log and go on
                pass

    def _broadcast_metrics(self):
        while True:
            time.sleep(CONFIG.get("metrics_interval", 5))
            with self._lock:
                if self.active_clients == 0:
                    continue
            if SCRIPT_LAUNCH:  # market_service is None: skipped
                continue
            metrics = {}
            for conn_id, conn_data in MANAGER.get_health_status()["connections"].items():
                msg_count = conn_data.get("message_count", 0)
                metrics[conn_id] = {"message_count": msg_count,
                                    "messages_per_second": round(msg_count / 5, 1),
                                    "error_count": conn_data.get("error_count", 0),
                                    "status": conn_data.get("status", "unknown")}
            socketio.emit("metrics_update", metrics, namespace="/admin-ws", room="admin_monitoring")


if not CONFIG.get("no_namespace"):
    socketio.on_namespace(AdminWebSocketNamespace("/admin-ws"))


def generate_ticks(rate):
    """The provider side: ticks of the assigned tickers, published to Redis
    as the ingest does (the namespace forwards them as tick_update)."""
    r = redis.Redis.from_url(REDIS_URL)
    prices = {t: 100.0 + 10 * i for i, t in enumerate(sorted(MANAGER.ticker_to_connection))}
    while True:
        time.sleep(1.0 / rate)
        sym = random.choice(list(prices))
        prices[sym] = round(max(1.0, prices[sym] * (1 + random.uniform(-0.002, 0.002))), 2)
        MANAGER.tick(sym)
        try:
            r.publish(CHANNEL, json.dumps({"type": "market_tick", "symbol": sym, "price": prices[sym],
                                           "volume": random.randint(1, 50) * 100,
                                           "timestamp": time.time(), "source": "massive"}))
        except Exception:
            pass


# Test controls, not in TickStockAppV2.
@app.route("/_standin/stats")
@csrf.exempt
def standin_stats():
    with STATS_LOCK:
        return jsonify(dict(STATS))


@app.route("/_standin/status", methods=["POST"])
@csrf.exempt
def standin_status():
    body = request.get_json(force=True)
    MANAGER.set_status(body["connection_id"], body["status"], body.get("counted", True))
    return jsonify({"ok": True})


@app.route("/_standin/emit", methods=["POST"])
@csrf.exempt
def standin_emit():
    """Sends one event to the admins on /admin-ws; "pad" bytes of padding
    make a hostile, oversized one."""
    body = request.get_json(force=True)
    data = body.get("data") or {}
    if body.get("pad"):
        data["pad"] = "x" * int(body["pad"])
    socketio.emit(body["event"], data, namespace="/admin-ws", room="admin_monitoring")
    return jsonify({"ok": True})


# The universe of SYMBOL_UNIVERSE_KEY when it resolves to nothing: 8 tickers.
FALLBACK_TICKERS = ["AAPL", "MSFT", "GOOGL", "AMZN", "TSLA", "META", "NVDA", "NFLX"]


@app.route("/_standin/subscribe", methods=["POST"])
@csrf.exempt
def standin_subscribe():
    """market_data_service subscribing its universe once a connection is up:
    MultiConnectionManager.subscribe(tickers)."""
    body = request.get_json(force=True) or {}
    cid = MANAGER.subscribe(body.get("tickers") or FALLBACK_TICKERS)
    return jsonify({"ok": True, "connection_id": cid})


@app.route("/_standin/tick", methods=["POST"])
@csrf.exempt
def standin_tick():
    """Counts a tick on its connection (the provider side) and publishes it."""
    body = request.get_json(force=True)
    MANAGER.tick(body["symbol"])
    if REDIS_URL:
        redis.Redis.from_url(REDIS_URL).publish(CHANNEL, json.dumps(body))
    return jsonify({"ok": True})


if __name__ == "__main__":
    if CONFIG.get("tick_rate") and REDIS_URL:
        threading.Thread(target=generate_ticks, args=(CONFIG["tick_rate"],), daemon=True).start()
    print("standin listening on", args.port, flush=True)
    socketio.run(app, host="127.0.0.1", port=args.port, log_output=False)
