#!/usr/bin/env python3
"""Drives the admin console in headless Chromium (selenium), as an admin would.

    python3 Tests/Fixtures/console_browser.py pause-resume URL TOKEN ERP_DB MAP SCREENSHOTS
    python3 Tests/Fixtures/console_browser.py retry URL TOKEN CRM_DB MAP SCREENSHOTS
    python3 Tests/Fixtures/console_browser.py conflict URL TOKEN ERP_DB MAP SCREENSHOTS
    python3 Tests/Fixtures/console_browser.py dependencies URL TOKEN ERP_DB MAP SCREENSHOTS

Both log in as `erin`. pause-resume pauses MAP on the maps page, writes a row
on the ERP side with the sqlite3 CLI, waits until the page shows it queued,
resumes, waits until the page shows the queue drained, then opens the errors
page. retry opens the errors page with one parked change, removes the CRM's
validation trigger that refused it (the fix), clicks Retry and waits until the
page shows it applied and the list empty. conflict opens the conflicts page
with one open conflict, prints the highlighted fields of both versions
(`changed: CLASS ERP_COLUMN=VALUE | CRM_COLUMN=VALUE`), clicks CRM and waits
until the page shows it resolved and none open. dependencies opens the
dependencies page, prints each node of the graph (`node: MAP STATE`) and the
run order (`order: LEVEL | LEVEL`), pauses MAP through the API as the page's
own script would (the session's CSRF token from the page), and waits until
the page recolours MAP's node. Screenshots of each page go into
SCREENSHOTS. Prints one `step: ...` line per step done; on failure prints what
the page showed, saves failure.png and exits 1.

The waits are conditions on what the page shows (the page refreshes itself
every second), with a generous limit for a loaded CI machine: nothing here
measures time.
"""
import os
import subprocess
import sys

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

LIMIT = 120  # seconds; a condition, not a timing


def main():
    scenario, url, token, database, map_name, shots = sys.argv[1:7]
    os.makedirs(shots, exist_ok=True)
    options = webdriver.ChromeOptions()
    options.binary_location = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1400,900", "--no-proxy-server"):
        options.add_argument(argument)
    service = Service(os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver"))
    driver = webdriver.Chrome(service=service, options=options)
    # The page replaces its rows each second: an element found just before may be gone when read.
    wait = WebDriverWait(driver, LIMIT, poll_frequency=0.2, ignored_exceptions=[StaleElementReferenceException])
    row = f'tr[data-map="{map_name}"]'

    def cell(selector):
        found = driver.find_elements(By.CSS_SELECTOR, f"{row} {selector}")
        return found[0].text if found else None

    def until(description, condition):
        try:
            wait.until(lambda _: condition())
        except Exception:
            raise AssertionError(f"the page never showed {description}; "
                                 f"message: {message()!r}; row: {row_text()!r}")
        print(f"step: {description}", flush=True)

    def message():
        try:
            found = driver.find_elements(By.ID, "message")
            return found[0].text if found else None
        except StaleElementReferenceException:
            return None

    def row_text():
        try:
            found = driver.find_elements(By.CSS_SELECTOR, row)
            return found[0].text if found else None
        except StaleElementReferenceException:
            return None

    def click(action):
        # Found and clicked in one go, again if the row was replaced in between.
        wait.until(lambda _: driver.find_element(By.CSS_SELECTOR, f'{row} button[data-action="{action}"]').click() or True)

    try:
        driver.get(url + "login")
        driver.save_screenshot(os.path.join(shots, "login.png"))
        driver.find_element(By.ID, "token").send_keys(token)
        user = driver.find_element(By.ID, "user")
        user.clear()
        user.send_keys("erin")
        driver.find_element(By.ID, "login").click()
        until("the maps page with the map running", lambda: cell("td.state") == "running")
        driver.save_screenshot(os.path.join(shots, "maps.png"))

        if scenario == "pause-resume":
            click("pause")
            until("the map paused", lambda: cell("td.state") == "paused")
            subprocess.run(["sqlite3", database, "INSERT INTO Notes VALUES (42, 'from the browser test')"], check=True)
            until("one change queued ERP to CRM", lambda: cell('td[data-queue="erp-to-crm"]') == "1")
            driver.save_screenshot(os.path.join(shots, "maps-queued.png"))

            click("resume")
            until("the queue drained and the map running",
                  lambda: cell('td[data-queue="erp-to-crm"]') == "0" and cell("td.state") == "running")
            driver.save_screenshot(os.path.join(shots, "maps-drained.png"))

            driver.get(url + "errors")
            until("the errors page", lambda: driver.find_element(By.ID, "count").text == "0 parked")
            driver.save_screenshot(os.path.join(shots, "errors.png"))
        elif scenario == "retry":
            driver.get(url + "errors")
            entry = "#errors tbody tr"
            until("one parked change", lambda: driver.find_element(By.ID, "count").text == "1 parked")
            reason = driver.find_element(By.CSS_SELECTOR, f"{entry} td.reason").text
            print(f"reason: {reason}", flush=True)
            driver.save_screenshot(os.path.join(shots, "errors-parked.png"))
            subprocess.run(["sqlite3", database, "DROP TRIGGER crm_validate_insert"], check=True)
            wait.until(lambda _: driver.find_element(By.CSS_SELECTOR, f'{entry} button[data-action="retry"]').click() or True)
            until("the change applied on retry", lambda: ": applied" in (message() or ""))
            until("the error list empty", lambda: driver.find_element(By.ID, "count").text == "0 parked")
            driver.save_screenshot(os.path.join(shots, "errors-retried.png"))
        elif scenario == "conflict":
            driver.get(url + "conflicts")
            section = 'section.conflict[data-status="open"]'
            until("one open conflict", lambda: driver.find_element(By.ID, "count").text.startswith("1 open"))
            # Read in one script, so that the page's refresh cannot replace the rows half-way.
            changed = driver.execute_script(
                "return Array.from(document.querySelectorAll(arguments[0] + ' tr[class^=\"changed-\"]'))"
                ".map((tr) => tr.className + ' ' + tr.cells[0].textContent + '=' + tr.cells[1].textContent"
                " + ' | ' + tr.cells[3].textContent + '=' + tr.cells[2].textContent)", section)
            for line in changed:
                print(f"changed: {line}", flush=True)
            driver.save_screenshot(os.path.join(shots, "conflicts-open.png"))
            wait.until(lambda _: driver.find_element(By.CSS_SELECTOR, f'{section} button[data-action="crm"]').click() or True)
            until("the conflict resolved for the CRM", lambda: "resolved — crm wins" in (message() or ""))
            until("no open conflict", lambda: driver.find_element(By.ID, "count").text.startswith("0 open"))
            driver.save_screenshot(os.path.join(shots, "conflicts-resolved.png"))
        elif scenario == "dependencies":
            driver.get(url + "dependencies")
            node = f'#graph g.node[data-map="{map_name}"]'
            until("the graph", lambda: len(driver.find_elements(By.CSS_SELECTOR, "#graph g.node")) > 0)
            for line in driver.execute_script(
                    "return Array.from(document.querySelectorAll('#graph g.node'))"
                    ".map((g) => g.dataset.map + ' ' + g.dataset.state)"):
                print(f"node: {line}", flush=True)
            levels = [li.text for li in driver.find_elements(By.CSS_SELECTOR, "#order li")]
            print(f"order: {' | '.join(levels)}", flush=True)
            driver.save_screenshot(os.path.join(shots, "dependencies.png"))
            status = driver.execute_async_script(
                "const done = arguments[arguments.length - 1];"
                "fetch('/api/v1/maps/' + encodeURIComponent(arguments[0]) + '/pause', {method: 'POST',"
                " headers: {'X-CSRF-Token': document.querySelector('meta[name=\"csrf-token\"]').content}})"
                ".then((r) => done(r.status), (e) => done(String(e)));", map_name)
            if status != 200:
                raise AssertionError(f"pausing {map_name} answered {status}")
            until("the node recoloured paused",
                  lambda: driver.find_element(By.CSS_SELECTOR, node).get_attribute("class") == "node state-paused")
            driver.save_screenshot(os.path.join(shots, "dependencies-paused.png"))
        else:
            raise AssertionError(f"unknown scenario {scenario}")
        return 0
    except Exception as error:  # noqa: BLE001 - any failure is reported with what the page showed
        driver.save_screenshot(os.path.join(shots, "failure.png"))
        print(f"failed: {error}", file=sys.stderr)
        return 1
    finally:
        driver.quit()


if __name__ == "__main__":
    sys.exit(main())
