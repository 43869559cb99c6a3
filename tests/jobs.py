"""Following a job a page started: the tests run jobs at once (eagerly), so the job has ended
by the time the page that started it answers."""


def job_status(client, response) -> dict:
    """The status (as the job page's script reads it) of the job a POST redirected to."""
    assert response.status_code == 302, response.get_data(as_text=True)[-2000:]
    location = response.headers["Location"]
    assert "/jobs/" in location, location
    return client.get(f"{location}.json").get_json()


def result_of(client, response) -> str:
    """Where the result of the job a POST started is shown (the job must have succeeded)."""
    status = job_status(client, response)
    assert status["state"] == "succeeded", status
    return status["result_url"]


def exported(client, path: str, **data):
    """The file an export page's job wrote: start it (POST), then download it from the link
    its job page leads to."""
    url = result_of(client, client.post(path, data=data))
    assert "/download" in url, url
    return client.get(url)
