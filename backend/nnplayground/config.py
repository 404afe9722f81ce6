"""Server settings: every limit and knob, from ``NNP_*`` environment variables or a ``.env`` file.

``NNP_STORE`` picks the store (``sqlite`` -- the default, a file under ``NNP_DATA_DIR`` --,
``memory``, or a ``redis://`` URL), ``NNP_WORKERS`` the number of training processes (0 means
one per core). Limits are enforced by the API with a 4xx naming the limit. What it leaves out:
the engine's own validation (``engine.config``).
"""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from .reach import normalise_public_url


class Settings(BaseSettings):
    """All settings with their defaults; ``NNP_<NAME>`` overrides each."""

    model_config = SettingsConfigDict(env_prefix="NNP_", env_file=".env", extra="ignore")

    host: str = "127.0.0.1"
    port: int = 8000
    store: str = Field("sqlite", description="sqlite, memory, or redis://host:port/db")
    data_dir: Path = Path("data")
    workers: int = Field(0, ge=0, le=64, description="training processes; 0 = one per core")
    frontend_dir: Path | None = None

    # Limits (each violation is a 4xx naming the limit)
    max_layers: int = Field(8, ge=1, description="hidden layers")
    max_neurons: int = Field(32, ge=1, description="neurons per hidden layer")
    max_points: int = Field(2000, ge=4, description="points per dataset (train + test)")
    max_epochs_per_call: int = Field(20000, ge=1, description="epochs per REST train call")
    max_resolution: int = Field(200, ge=2, description="side of a boundary grid")
    max_sessions: int = Field(1000, ge=1)
    max_history: int = Field(2_000_000, ge=100, description="epochs of history per session")
    session_ttl_seconds: float = Field(7 * 24 * 3600, gt=0, description="idle session lifetime")
    max_body_bytes: int = Field(1_000_000, ge=1024)
    ws_max_message_bytes: int = Field(16_384, ge=256)
    ws_max_commands_per_second: float = Field(20.0, gt=0)
    ws_compression: bool = Field(False, description="permessage-deflate on WebSockets: fewer "
                                 "bytes, but each message is compressed once per connection, "
                                 "so its CPU cost grows with the watchers")
    # Quotas per client (``api/quotas.py``; past one: 429 with Retry-After)
    trusted_proxies: str = Field("", description="comma-separated addresses (or *) of proxies "
                                 "whose X-Forwarded-For names the client; none by default")
    sessions_per_minute: int = Field(20, ge=1, description="sessions one client creates a "
                                     "minute (moving window)")
    max_sessions_per_client: int = Field(40, ge=1, description="sessions one client holds")
    max_running_per_client: int = Field(4, ge=1, description="sessions of one client running "
                                        "at once")
    max_trains_per_client: int = Field(4, ge=1, description="concurrent train calls of one "
                                       "client")
    max_streams_per_client: int = Field(40, ge=1, description="WebSocket connections of one "
                                        "client")
    max_class_sessions: int = Field(300, ge=1, description="forks of one teacher's session "
                                    "(a class): they count toward the class, not the address")
    max_kept_sessions: int = Field(50, ge=0, description="sessions kept from eviction and the "
                                   "short idle lifetime (POST /keep)")
    unopened_ttl_seconds: float = Field(3600, gt=0, description="idle lifetime of a session "
                                        "nobody opened after creating it")
    max_gradcheck_parameters: int = Field(2000, ge=1)
    call_timeout_seconds: float = Field(60.0, gt=0)

    # Training and streaming
    chunk_seconds: float = Field(0.02, gt=0, description="target length of one training chunk")
    snapshot_fps: float = Field(10.0, gt=0, le=60)
    epoch_messages_per_second: float = Field(10.0, gt=0, le=1000, description="epoch messages "
                                             "per second to a session's watchers: the epochs "
                                             "of several chunks travel together")
    diagnostics_news_seconds: float = Field(1.0, gt=0, le=60, description=(
        "display clients get the diagnostics at most this often, and at once when a finding "
        "or the status changes"))
    snapshot_share: float = Field(0.2, gt=0, le=1, description="worker time for snapshots")
    snapshot_resolution: int = Field(40, ge=4, le=200)
    neuron_resolution: int = Field(16, ge=4, le=64)
    checkpoint_seconds: float = Field(10.0, gt=0)
    timeline_frames: int = Field(200, ge=100, le=1000, description="kept frames per session "
                                 "(log-spaced, regular and wall-clock epochs of its run)")
    timeline_seconds: float = Field(5.0, gt=0, description="a timeline frame at least this "
                                    "often while training")
    timeline_max_replay: int = Field(50_000, ge=1, description="epochs trained on from a kept "
                                     "frame to rebuild a past epoch, at most")
    lease_seconds: float = Field(3.0, ge=0.3, le=120, description="redis store: a session's "
                                 "ownership lease; another replica takes over this long after "
                                 "its owner died")

    # Classroom: the address students reach (share link and QR code)
    public_url: str | None = Field(None, description="the base URL students open (behind a "
                                   "proxy or a domain), e.g. https://nn.school.example; "
                                   "unset: the host the teacher's browser used")
    max_nickname_chars: int = Field(40, ge=1, le=200, description="longest nickname a "
                                    "student gives a fork")
    forks_seconds: float = Field(1.0, gt=0, le=60, description="the teacher's dashboard: "
                                 "a forks message this often (when something changed); each "
                                 "fork's row is refreshed twice as often")
    thumbnail_resolution: int = Field(16, ge=4, le=64, description="side of a fork's "
                                      "boundary thumbnail on the dashboard")
    qr_max_url_chars: int = Field(512, ge=64, le=2000, description="longest URL /api/qr.svg "
                                  "encodes")

    @field_validator("public_url")
    @classmethod
    def _public_url(cls, value: str | None) -> str | None:
        """``http(s)://host[:port][/prefix]`` without query or fragment, no trailing slash."""
        return None if value is None or not value.strip() else normalise_public_url(value)

    @property
    def worker_count(self) -> int:
        return self.workers or (os.cpu_count() or 1)
