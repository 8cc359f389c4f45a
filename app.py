"""Run the EduNet Assistant web app: ``python app.py`` (same as ``edunet serve``)."""

from assistant.ui.app import launch

if __name__ == "__main__":
    from assistant.settings import get_settings

    settings = get_settings()
    launch(host=settings.host, port=settings.port)
