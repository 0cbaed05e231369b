"""The physical limit of scenario 1: a bare FastAPI endpoint that reads the body and answers 200,
served by one uvicorn worker in its own process: `python -m switchboard.bench.bare PORT [CPU]`."""

from __future__ import annotations

import os
import sys

import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

app = FastAPI()


@app.post("/webhooks/avito/{channel_id}/{token}")
async def webhook(channel_id: str, token: str, request: Request) -> JSONResponse:
    await request.body()
    return JSONResponse({"ok": True})


if __name__ == "__main__":
    if len(sys.argv) > 2 and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {int(sys.argv[2])})
    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning",
                access_log=False, workers=1)
