"""All configuration in one place: ``EDUNET_*`` environment variables plus an optional TOML file.

Usage:
    >>> from assistant.settings import get_settings
    >>> s = get_settings()
    >>> s.data_dir, s.model_dir, s.workspace

Precedence, highest first: environment variables, the config file
(``EDUNET_CONFIG``, else ``<data_dir>/config.toml`` when present), defaults.
Nothing is loaded or built at import time; ``build_store`` opens the index lazily.
"""

from __future__ import annotations

import os
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any

from platformdirs import user_data_dir
from pydantic import Field, SecretStr, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from ingest.layout import chroma_path, manifest_path
from ingest.ocr import OcrMode

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS_DIR = REPO_ROOT / "corpus"

# The names of the files the assistant keeps; every path is built by a Settings method below.
APP_DB_FILE = "edunet.sqlite"  # accounts, log-in sessions, workshop sessions, history
WORKSPACES_DIR = "workspaces"  # one folder per workspace
PARTNER_REGISTRY_FILE = "partners.sqlite"  # in a workspace folder
ASSESSMENTS_FILE = "assessments.sqlite"  # in a workspace folder
UPLOADS_DIR = "uploads"  # uploads/<workspace>/
SESSIONS_DIR = "sessions"  # sessions/<code>/
PARTNERS_CSV = "partners.csv"  # in the corpus folder: the starter partner registry
FRAMEWORK_FILE = Path("framework") / "framework.yaml"  # in the corpus folder
WORKSHOP_TEMPLATE_FILE = Path("templates") / "workshop.yaml"  # in the corpus folder
PORTFOLIO_TEMPLATES_FILE = Path("templates") / "portfolio.yaml"  # in the corpus folder


class ChromaMode(StrEnum):
    EMBEDDED = "embedded"
    SERVER = "server"


class Backend(StrEnum):
    EMBEDDED = "embedded"
    OPENAI = "openai"
    OLLAMA = "ollama"
    NONE = "none"


class QueryTranslation(StrEnum):
    """How a question is put into the other language to search documents written in it."""

    AUTO = "auto"  # the chat model for openai/ollama backends, the glossary otherwise
    MODEL = "model"  # always the chat model (the glossary when there is none)
    GLOSSARY = "glossary"  # the domain glossary in corpus/
    OFF = "off"  # search in the question's language only


def _default_data_dir() -> Path:
    return Path(user_data_dir("edunet", appauthor=False))


def _config_file() -> Path | None:
    explicit = os.environ.get("EDUNET_CONFIG")
    if explicit:
        return Path(explicit)
    data_dir = Path(os.environ.get("EDUNET_DATA_DIR") or _default_data_dir())
    candidate = data_dir / "config.toml"
    return candidate if candidate.is_file() else None


class Settings(BaseSettings):
    """Every setting of the assistant. Environment names are ``EDUNET_`` + the field name in capitals."""

    model_config = SettingsConfigDict(env_prefix="EDUNET_", extra="ignore", use_enum_values=False)

    data_dir: Path = Field(
        default_factory=_default_data_dir, description="where indexes, models and history live"
    )
    model_dir: Path | None = Field(
        default=None,
        description="a sentence-transformers folder; default <data_dir>/models/multilingual-e5-small",
    )
    workspace: str = Field(default="default", description="the workspace used when none is given")
    corpus_dir: Path = Field(default=DEFAULT_CORPUS_DIR, description="the starter corpus indexed at set-up")

    chroma_mode: ChromaMode = ChromaMode.EMBEDDED
    chroma_host: str = "127.0.0.1"
    chroma_port: int = 8000
    chroma_token: str | None = None
    chroma_ssl: bool = Field(default=False, description="reach the Chroma server over HTTPS (TLS)")
    chroma_ca_file: Path | None = Field(
        default=None,
        description="CA certificate(s) that sign the Chroma server's TLS certificate; default: the system's",
    )

    max_upload_mb: int = Field(default=50, ge=1, le=2048)
    max_pages: int = Field(default=500, ge=1)
    chunk_target: int = Field(default=700, ge=100, le=2800)
    top_k: int = Field(default=5, ge=1, le=100)
    embed_batch: int = Field(default=16, ge=1, le=512)

    backend: Backend = Backend.EMBEDDED
    reranker_dir: Path | None = Field(
        default=None, description="a local sentence-transformers CrossEncoder folder to re-rank the top hits"
    )
    query_translation: QueryTranslation = Field(
        default=QueryTranslation.AUTO,
        description="auto, model, glossary or off: how questions are translated to search the other language",
    )
    openai_base_url: str = "http://127.0.0.1:8080/v1"
    openai_api_key: str = "not-needed"
    openai_model: str = "default"
    ollama_base_url: str = "http://127.0.0.1:11434"
    ollama_model: str = "qwen2.5:1.5b-instruct"
    llm_timeout: float = Field(default=120.0, gt=0)

    # --- LLM model file and generation (assistant/llm/backends.py, assistant/llm/embedded.py) ------
    llm_path: Path | None = Field(
        default=None,
        description="the embedded backend's GGUF file; default <data_dir>/models/"
        "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf (see llm_model_path)",
    )
    llm_ctx: int = Field(default=4096, ge=512, le=32768, description="context window of the embedded model")
    llm_max_tokens: int = Field(default=512, ge=1, le=8192, description="most tokens generated per answer")
    llm_temperature: float = Field(default=0.2, ge=0.0, le=2.0, description="sampling temperature")

    @property
    def llm_model_path(self) -> Path:
        """The GGUF file the embedded backend serves (assembled there by `edunet setup`)."""
        return self.llm_path or self.data_dir / "models" / "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"

    # --- end of LLM model block ------------------------------------------------------------------

    # --- accounts, workspaces and rate limits (assistant/access/accounts.py, workspaces.py, ratelimit.py) ---
    auth: bool = Field(default=False, description="require a login; off = anonymous single-user mode")
    admin_user: str = Field(default="admin", description="the first admin's name, created by `edunet setup`")
    admin_password: SecretStr | None = Field(
        default=None, description="the first admin's password (EDUNET_ADMIN_PASSWORD); never a default"
    )
    lockout_failures: int = Field(default=5, ge=1, le=100, description="failed logins in a row before a lock")
    lockout_minutes: float = Field(default=15.0, gt=0, le=24 * 60, description="how long a lock lasts")
    ask_rate_per_minute: int = Field(
        default=20,
        ge=0,
        description="questions, drafts and searches a minute per user, workshop participant or,"
        " without accounts, client address; 0: no limit",
    )
    room_rate_per_minute: int = Field(
        default=60, ge=0, description="questions a minute in one workshop room, all participants together"
    )
    session_idle_hours: float = Field(
        default=12.0, gt=0, le=24 * 30, description="a log-in session ends after this long without use"
    )
    session_max_hours: float = Field(
        default=7 * 24.0, gt=0, le=24 * 365, description="a log-in session ends this long after log-in"
    )
    # --- end of accounts block ---------------------------------------------------------------------

    host: str = "127.0.0.1"
    port: int = 7860
    ingest_nice: int = Field(
        default=19, ge=0, le=19, description="`edunet ingest` runs at this lower CPU priority (Unix niceness)"
    )
    ingest_threads: int = Field(
        default=0, ge=0, le=256, description="CPU threads of `edunet ingest`'s embedder; 0 = all"
    )
    ocr: OcrMode = Field(
        default=OcrMode.AUTO,
        description="auto: OCR the scanned pages the health gate flags; off: never; force: every PDF page",
    )
    ocr_langs: str = Field(
        default="tha+eng",
        pattern=r"^[A-Za-z_]+(\+[A-Za-z_]+)*$",
        description="Tesseract language data, +-joined (Debian: tesseract-ocr-tha, tesseract-ocr-eng)",
    )
    ocr_timeout: float = Field(default=120.0, gt=0, le=3600, description="seconds OCR may spend on one page")
    concurrency: int = Field(
        default=1,
        ge=1,
        le=64,
        description="events the app runs at once; raise it (4–8) when the model is a remote server",
    )

    @field_validator("ocr", mode="before")
    @classmethod
    def _ocr_mode(cls, value: Any) -> OcrMode:
        return OcrMode.parse(value)  # "unknown OCR mode 'fast'; use one of: auto, off, force"

    @property
    def ocr_cache_dir(self) -> Path:
        """Where OCR text is cached by page content hash, so a re-ingest does not read a page again."""
        return self.data_dir / "cache" / "ocr"

    @field_validator("workspace")
    @classmethod
    def _workspace_name(cls, value: str) -> str:
        from ingest.records import check_workspace

        return check_workspace(value)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        config = _config_file()
        if config is not None:
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=config))
        return tuple(sources)

    @property
    def embedding_dir(self) -> Path:
        """The sentence-transformers folder in use."""
        return self.model_dir or self.data_dir / "models" / "multilingual-e5-small"

    # --- where things are kept: the one place that names the data and corpus files ----------------
    @property
    def manifest_path(self) -> Path:
        """The index manifest: ``<data_dir>/edunet.db``."""
        return manifest_path(self.data_dir)

    @property
    def chroma_dir(self) -> Path:
        """The embedded Chroma index: ``<data_dir>/chroma``."""
        return chroma_path(self.data_dir)

    @property
    def app_db_path(self) -> Path:
        """The installation-wide SQLite file: ``<data_dir>/edunet.sqlite`` (see ``storage.app_db``)."""
        return self.data_dir / APP_DB_FILE

    def workspace_dir(self, workspace: str) -> Path:
        """A workspace's folder: ``<data_dir>/workspaces/<workspace>`` (ValueError for a bad name)."""
        from ingest.records import check_workspace

        return self.data_dir / WORKSPACES_DIR / check_workspace(workspace)

    def partner_registry_path(self, workspace: str) -> Path:
        """A workspace's partner registry: ``<workspace dir>/partners.sqlite``."""
        return self.workspace_dir(workspace) / PARTNER_REGISTRY_FILE

    def assessments_path(self, workspace: str) -> Path:
        """A workspace's saved health checks: ``<workspace dir>/assessments.sqlite``."""
        return self.workspace_dir(workspace) / ASSESSMENTS_FILE

    def uploads_dir(self, workspace: str) -> Path:
        """Where a workspace's uploaded files are kept: ``<data_dir>/uploads/<workspace>``."""
        from ingest.records import check_workspace

        return self.data_dir / UPLOADS_DIR / check_workspace(workspace)

    @property
    def sessions_dir(self) -> Path:
        """Workshop sessions' files: ``<data_dir>/sessions/<code>/``."""
        return self.data_dir / SESSIONS_DIR

    @property
    def partners_csv(self) -> Path:
        """The starter partner registry: ``<corpus_dir>/partners.csv``."""
        return self.corpus_dir / PARTNERS_CSV

    @property
    def framework_path(self) -> Path:
        """The collaboration framework: ``<corpus_dir>/framework/framework.yaml``."""
        return self.corpus_dir / FRAMEWORK_FILE

    @property
    def workshop_template_path(self) -> Path:
        """The workshop template: ``<corpus_dir>/templates/workshop.yaml``."""
        return self.corpus_dir / WORKSHOP_TEMPLATE_FILE

    @property
    def portfolio_templates_path(self) -> Path:
        """The portfolio templates: ``<corpus_dir>/templates/portfolio.yaml``."""
        return self.corpus_dir / PORTFOLIO_TEMPLATES_FILE

    # --- end of the paths block ----------------------------------------------------------------------

    def public(self) -> dict[str, Any]:
        """Settings safe to print (secrets masked)."""
        data = self.model_dump(mode="json")
        for key in ("chroma_token", "openai_api_key", "admin_password"):
            if data.get(key):
                data[key] = "***"
        return data


@cache
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()
