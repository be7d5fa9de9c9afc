"""A TickStockAppV2 stand-in for tests, on TickStockAppV2's own stack.

Written from TickStockAppV2's source at HEAD (repository mcfalli/TickSTockAppV2):
  - config/app_config.py: CSRFProtect, LoginManager(login_view='login',
    login_message=None), SocketIO(async_mode='eventlet', ping_interval=10,
    ping_timeout=60);
  - src/presentation/validators/forms.py: LoginForm (email with Email(),
    password, terms_accepted and captcha_response as required checkboxes,
    fingerprint_data hidden);
  - src/api/rest/auth.py + src/auth/authentication.py: the /login route, its
    flashed messages, the redirect to index on success and to the
    subscription renewal page (or the login page with the renewal modal)
    when the subscription has expired;
  - src/utils/auth_decorators.py: admin_required (admin and super; 403 else);
  - src/api/rest/admin_websockets.py: the admin_websockets blueprint under
    /admin, /admin/api/admin/websocket-status, and the /admin-ws namespace
    (refuses non-admins, connection_status_update on connect, tick_update
    for every Redis tick with connection_id added, metrics_update every 5 s
    per connection and with the full health on request_metrics);
  - src/infrastructure/websocket/multi_connection_manager.py:
    get_health_status(), which lists only the enabled connections.

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

app = Flask(__name__)
# A new key per start, as TickStockAppV2 without FLASK_SECRET_KEY: sessions
# do not survive a restart.
app.config["SECRET_KEY"] = CONFIG.get("secret_key") or __import__("os").urandom(16).hex()
app.config["WTF_CSRF_TIME_LIMIT"] = None
csrf = CSRFProtect(app)
login_manager = LoginManager(app)
login_manager.login_view = "login"
login_manager.login_message = None
socketio = SocketIO(app, cors_allowed_origins="*", async_mode="eventlet",
                    ping_timeout=60, ping_interval=10,
                    max_http_buffer_size=5 * 1024 * 1024)

STATS = {"login_posts": 0, "logins_ok": 0, "ws_connects": 0, "ws_refused": 0}
STATS_LOCK = threading.Lock()


class User(UserMixin):
    def __init__(self, u):
        self.id = u["email"]
        self.email = u["email"]
        self.role = u.get("role", "user")
        self.password_hash = generate_password_hash(u["password"])
        self.subscription_expired = u.get("subscription_expired", False)
        self.expired_mode = u.get("expired_mode", "redirect")

    def check_password(self, pw):
        return check_password_hash(self.password_hash, pw)

    def is_admin(self):
        return self.role in ("admin", "super")


USERS = {u["email"]: User(u) for u in CONFIG["users"]}


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
        user = USERS.get(form.email.data)
        if not form.captcha_response.data:
            flash("Please complete the CAPTCHA")
        elif not form.terms_accepted.data:
            flash("You must accept the Terms and Conditions to log in")
        elif user is None or not user.check_password(form.password.data):
            flash("Failure to authenticate")
        elif user.subscription_expired and user.expired_mode == "modal":
            return render_template_string(LOGIN_HTML, form=form, show_renewal_modal=True)
        elif user.subscription_expired:
            return redirect(url_for("subscription_renewal"))
        else:
            login_user(user)
            with STATS_LOCK:
                STATS["logins_ok"] += 1
            return redirect(url_for("index"))
    return render_template_string(LOGIN_HTML, form=form)


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

    def set_status(self, cid, status):
        with self._lock:
            c = self.connections[cid]
            c["status"] = status
            if status == "error":
                c["error_count"] += 1
                self.total_errors += 1


MANAGER = Connections(CONFIG.get("connections", {}))
REDIS_URL = CONFIG.get("redis_url", "")
CHANNEL = CONFIG.get("channel", "tickstock:market:ticks")

admin_websockets_bp = Blueprint("admin_websockets", __name__, url_prefix="/admin")


@admin_websockets_bp.route("/api/admin/websocket-status")
@login_required
@admin_required
def get_websocket_status():
    if CONFIG.get("manager_unavailable"):
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
        emit("connection_status_update", MANAGER.get_health_status(), to=flask_request.sid)
        return True

    def on_disconnect(self):
        leave_room("admin_monitoring")
        with self._lock:
            self.active_clients -= 1

    def on_request_metrics(self, data=None):
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
                socketio.emit("tick_update", tick, namespace="/admin-ws", room="admin_monitoring")
            except Exception:  # as TickStockAppV2: log and go on
                pass

    def _broadcast_metrics(self):
        while True:
            time.sleep(CONFIG.get("metrics_interval", 5))
            with self._lock:
                if self.active_clients == 0:
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
    MANAGER.set_status(body["connection_id"], body["status"])
    return jsonify({"ok": True})


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
