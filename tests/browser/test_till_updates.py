"""What changes under a till: no CDN on the first load, a self-hosted htmx, a new version
deployed mid-day."""

from playwright.sync_api import expect

from .test_walkthrough import coach_logs_in
from .till_actions import Till, signed_in_phone
from .till_world import (
    OPENING,
    Network,
    ServerWatch,
    new_artisan,
    new_phone,
    server_day,
    wait_in_page,
    wait_until,
)

# Ask the worker in control its version (other messages of the worker may come first).
WORKER_VERSION = """() => new Promise((resolve) => {
  const answer = (event) => {
    if (!event.data || event.data.type !== "version") return;
    navigator.serviceWorker.removeEventListener("message", answer);
    resolve(event.data.version);
  };
  navigator.serviceWorker.addEventListener("message", answer);
  navigator.serviceWorker.controller.postMessage({type: "version"});
})"""


def sell_after_an_offline_reload(till: Till, network: Network) -> None:
    """With no network, reload the till (the worker's copy) and sell a vase; then sync it."""
    network.off()
    till.page.reload()
    till.wait_ready("sell")
    till.sell({"Vase boule": 1}, "card")
    network.on()
    till.wait_synced()


def test_the_till_sells_when_the_cdn_is_unreachable_on_first_load(
        browser, live_app, live_server, htmx_file):
    grace = new_artisan(live_app)
    phone = new_phone(browser, live_server)
    cdn = live_app.config["HTMX_URL"]
    phone.route(cdn, lambda route: route.abort())
    try:
        till = Till(phone.new_page())
        till.log_in(grace.login)
        till.open("open")
        assert cdn not in till.page.content()
        till.open_stall(OPENING, 1000)
        till.sell({"Bol raku": 1}, "cash", received=2000)
        till.wait_synced()
        assert server_day(live_app, grace.stall_id)["summary"].takings_cents == 1800
        # The service worker installed without htmx, and still keeps the till for offline days.
        till.wait_offline_ready()
        assert not till.page.evaluate("(url) => caches.match(url).then(Boolean)", cdn)
        sell_after_an_offline_reload(till, Network(live_server, phone))
        assert server_day(live_app, grace.stall_id)["sales"] == 2
    finally:
        phone.close()

    # With the CDN reachable, the worker keeps the pinned htmx for the pages that use it.
    url, body = htmx_file
    phone = new_phone(browser, live_server)
    phone.route(cdn, lambda route: route.fulfill(status=200, body=body, headers={
        "Content-Type": "application/javascript", "Access-Control-Allow-Origin": "*"}))
    try:
        till = Till(phone.new_page())
        till.log_in(grace.login)
        till.open("sell")
        till.wait_offline_ready()
        assert till.page.evaluate("(url) => caches.match(url).then(Boolean)", cdn)
    finally:
        phone.close()


def test_a_cdn_that_never_answers_does_not_keep_the_till_from_going_offline(
        browser, live_app, live_server):
    """A captive portal or a lost answer: the CDN hangs instead of failing. The worker gives
    htmx up after a while and still keeps the till for a day with no network."""
    grace = new_artisan(live_app)
    phone = new_phone(browser, live_server)
    held = []
    phone.route(live_app.config["HTMX_URL"], lambda route: held.append(route))  # never answered
    try:
        till = Till(phone.new_page())
        till.log_in(grace.login)
        till.open("open")
        till.open_stall(OPENING, 0)
        till.wait_offline_ready()
        assert held, "the worker did not ask the CDN"
        sell_after_an_offline_reload(till, Network(live_server, phone))
        assert server_day(live_app, grace.stall_id)["sales"] == 1
    finally:
        phone.close()


def test_a_first_install_that_failed_is_tried_again_without_a_reload(
        browser, live_app, live_server):
    """The network loses a file while the worker installs: the till (a page left open all day)
    registers it again by itself, and is kept for offline days."""
    grace = new_artisan(live_app)
    phone = new_phone(browser, live_server)
    watch = ServerWatch(live_app)
    watch.refuse["/offline"] = 503  # a file of the install fails
    try:
        till = Till(phone.new_page())
        page = till.page
        till.log_in(grace.login)
        till.open("open")
        wait_until(lambda: "/offline" in watch.finished, page=page, what="the install's try")
        wait_in_page(page, """async () => {
            const registration = await navigator.serviceWorker.getRegistration();
            return !registration || (!registration.active && !registration.installing);
        }""", what="the failed install to be given up")
        assert page.evaluate("navigator.serviceWorker.controller === null")
        watch.refuse.clear()
        till.wait_offline_ready()  # no reload: the page tried again
        till.start_day()
        network = Network(live_server, phone)
        network.off()
        page.reload()
        till.wait_ready("sell")
        till.sell({"Bol raku": 1}, "card")
        assert till.waiting() == 1
    finally:
        watch.close()
        phone.close()


def test_a_new_version_waits_for_the_basket_then_reads_the_old_outbox(
        browser, live_app, live_server):
    with signed_in_phone(browser, live_app, live_server) as (grace, phone, till):
        page = till.page
        till.start_day(1000)
        till.wait_offline_ready()
        old = page.evaluate(WORKER_VERSION)

        network = Network(live_server, phone)
        network.off()
        till.sell({"Bol raku": 2}, "card")
        till.sell({"Vase boule": 1}, "cash", received=5000)
        assert till.waiting() == 2
        till.basket({"Tasse émaillée": 1})  # a customer is choosing

        # A deploy while the phone was away; the sales cannot reach the server yet.
        live_app.config["APP_VERSION"] = "9.9.9"
        phone.route("**/api/v1/sync/push", lambda route: route.abort())
        page.evaluate("window.__oldPage = true")
        network.on()
        expect(page.locator("[data-update-banner]")).to_be_visible(timeout=20000)
        page.wait_for_timeout(7000)  # quiet, but a basket is in progress: no reload
        assert page.evaluate("window.__oldPage === true")
        assert till.page.locator("[data-basket-count]").text_content().startswith("1")

        till.pay("card")
        till.confirm()
        # The basket is done: the new version takes over at the next quiet moment.
        page.wait_for_function("window.__oldPage === undefined", timeout=20000)
        till.wait_ready("sell")
        new = page.evaluate(WORKER_VERSION)
        assert new != old and new.startswith("9.9.9-")
        names = page.evaluate("caches.keys()")
        assert all(name.endswith(new) or name == "marche-media-1" for name in names), names
        assert till.waiting() == 3  # the outbox the old version wrote, read by the new one

        phone.unroute("**/api/v1/sync/push")
        till.sync_now()
        server = server_day(live_app, grace.stall_id)
        assert server["sales"] == 3
        assert server["summary"].takings_cents == 2 * 1800 + 3500 + 1400 == till.total()


# When the page lets the new version take over (the reload follows), write down whether "Undo"
# was still offered, and how long after the sale.
UNDO_AT_UPDATE = """() => {
  let recorded = null;  // the tap on "confirm": the page's quiet time counts from it
  document.addEventListener("click", (event) => {
    if (event.target.closest("[data-action=confirm]")) recorded = Date.now();
  }, {capture: true});
  const post = ServiceWorker.prototype.postMessage;
  ServiceWorker.prototype.postMessage = function (message, ...rest) {
    if (message && message.type === "skip-waiting") {
      const toast = document.querySelector("[data-toast]");
      const offered = !toast.hidden && !toast.querySelector("[data-toast-action]").hidden;
      sessionStorage.setItem("undoAtUpdate",
                             JSON.stringify({offered, after_ms: Date.now() - recorded}));
    }
    return post.call(this, message, ...rest);
  };
}"""


def test_a_new_version_never_cuts_off_undo(browser, live_app, live_server):
    with signed_in_phone(browser, live_app, live_server) as (grace, phone, till):
        page = till.page
        till.start_day(1000)
        till.wait_offline_ready()
        page.evaluate("window.__oldPage = true")
        till.basket({"Bol raku": 1})  # a customer is choosing: the new version waits
        live_app.config["APP_VERSION"] = "9.9.9"
        page.evaluate("navigator.serviceWorker.getRegistration().then((r) => r.update())")
        expect(page.locator("[data-update-banner]")).to_be_visible(timeout=20000)

        till.pay("card")
        page.evaluate(UNDO_AT_UPDATE)
        till.confirm()
        expect(page.locator("[data-toast] [data-toast-action]")).to_be_visible()
        # Quiet for longer than the update waits for, but "Undo" is still offered: the reload
        # comes only once it is gone.
        page.wait_for_function("window.__oldPage === undefined", timeout=20000)
        till.wait_ready("sell")
        at_update = page.evaluate("JSON.parse(sessionStorage.getItem('undoAtUpdate'))")
        assert at_update["offered"] is False, "the update cut off Undo"
        assert at_update["after_ms"] > 5000  # QUIET_MS: the page was quiet, and still waited
        assert till.total() == 1800


def test_a_self_hosted_htmx_is_the_one_loaded_checked_and_kept(
        browser, live_app, live_server, htmx_file):
    """MARCHE_HTMX_URL: an operator serves htmx from their own server (here a path on it)."""
    cdn, body = htmx_file
    pinned = live_app.config["HTMX_SRI"]
    live_app.config["HTMX_URL"] = "/vendor/htmx-2.0.11.min.js"
    grace = new_artisan(live_app)
    phone = new_phone(browser, live_server)
    phone.route(cdn, lambda route: route.abort())  # no CDN anywhere
    phone.route("**/vendor/htmx-2.0.11.min.js", lambda route: route.fulfill(
        status=200, body=body, headers={"Content-Type": "application/javascript"}))
    try:
        page = phone.new_page()
        coach_logs_in(page)
        script = page.locator("script[src='/vendor/htmx-2.0.11.min.js']")
        expect(script).to_have_attribute("integrity", pinned)
        expect(script).to_have_attribute("crossorigin", "anonymous")
        page.wait_for_function("typeof window.htmx === 'object'")
        # The integrity is checked: another file under that name is refused.
        live_app.config["HTMX_SRI"] = "sha384-" + "A" * 64
        page.reload()
        page.wait_for_load_state("load")
        assert page.evaluate("typeof window.htmx") == "undefined"
        live_app.config["HTMX_SRI"] = pinned

        # The artisan's service worker keeps the self-hosted copy for the pages that use it.
        phone.clear_cookies()
        till = Till(page)
        till.log_in(grace.login)
        till.open("open")
        till.wait_offline_ready()
        assert page.evaluate("caches.match('/vendor/htmx-2.0.11.min.js').then(Boolean)")
        assert not page.evaluate("(url) => caches.match(url).then(Boolean)", cdn)
        phone.unroute("**/vendor/htmx-2.0.11.min.js")
        phone.route("**/vendor/htmx-2.0.11.min.js", lambda route: route.abort())
        assert page.evaluate("fetch('/vendor/htmx-2.0.11.min.js').then((r) => r.ok)")
    finally:
        phone.close()
