#!/usr/bin/env python3
"""JVM cold start of a packaged function: process start to its first invocation's response.

Runs functions/<function>/target/function.zip (the JVM build) as Lambda's java21 runtime does (the
zip's root and lib/* on the class path, the Runtime Interface Client calling QuarkusStreamHandler)
against a one-event stand-in of the Lambda Runtime API served here, and times from spawning the
process to the POST of the first response, with and without the template's JAVA_TOOL_OPTIONS
(-XX:TieredStopAtLevel=1). The event is the function's sample API Gateway event without its
Authorization header: answered 401 before any table is read, so no AWS service is needed.

  python3 benchmarks/jvm-cold-start.py [--function usage-api] [--runs 7]

Needs the function built (`mvn package -pl functions/<function> -am -DskipTests`) and the runtime
client's jars in the local Maven repository (infra/local depends on them, so any build of the
project fetches them).
"""
import argparse
import http.server
import json
import os
import pathlib
import statistics
import subprocess
import tempfile
import threading
import time
import zipfile

ROOT = pathlib.Path(__file__).resolve().parents[1]
LOG = open(os.environ.get("COLD_START_LOG", os.devnull), "ab")
HANDLER = "io.quarkus.amazon.lambda.runtime.QuarkusStreamHandler::handleRequest"
TIERED = "-XX:+TieredCompilation -XX:TieredStopAtLevel=1"
M2 = pathlib.Path.home() / ".m2/repository"
# The runtime client and what it needs, as infra/local/pom.xml has them.
RUNTIME_JARS = ["com/amazonaws/aws-lambda-java-runtime-interface-client/2.10.1/aws-lambda-java-runtime-interface-client-2.10.1.jar",
                "com/amazonaws/aws-lambda-java-core/1.4.0/aws-lambda-java-core-1.4.0.jar",
                "com/amazonaws/aws-lambda-java-serialization/1.2.0/aws-lambda-java-serialization-1.2.0.jar"]
SAMPLES = {"usage-api": "usage-api/report-usage.json", "entitlements-api": "entitlements-api/one-entitlement.json",
           "admin-api": "admin-api/create-entitlement.json"}


class RuntimeApi(http.server.ThreadingHTTPServer):
    """Hands out one event, then records the function's answer to it."""

    def __init__(self, event):
        super().__init__(("127.0.0.1", 0), Handler)
        self.event = event
        self.given = False
        self.answered = threading.Event()
        self.answer = None
        self.answered_at = None


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        if self.path.endswith("/invocation/next") and not self.server.given:
            self.server.given = True
            body = self.server.event.encode()
            self.send_response(200)
            self.send_header("Lambda-Runtime-Aws-Request-Id", "cold-start-1")
            self.send_header("Lambda-Runtime-Deadline-Ms", str(int(time.time() * 1000) + 60000))
            self.send_header("Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:us-east-1:000000000000:function:cold-start")
            self.send_header("Lambda-Runtime-Trace-Id", "Root=1-cold-start-1")  # the runtime client's native part needs it
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        else:  # the next poll: nothing more comes
            self.server.answered.wait(120)
            self.send_response(410)
            self.end_headers()

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        if not self.server.answered.is_set():
            self.server.answered_at = time.monotonic()
            self.server.answer = (self.path, body)
            self.server.answered.set()
        self.send_response(202)
        self.send_header("Content-Length", "0")
        self.end_headers()


def one_run(task, runtime_classpath, jni, event, java_tool_options):
    api = RuntimeApi(event)
    threading.Thread(target=api.serve_forever, daemon=True).start()
    env = {"PATH": os.environ["PATH"], "AWS_LAMBDA_RUNTIME_API": f"127.0.0.1:{api.server_port}",
           "_HANDLER": HANDLER, "LAMBDA_TASK_ROOT": str(task), "AWS_LAMBDA_FUNCTION_NAME": "cold-start",
           "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "1024", "AWS_LAMBDA_FUNCTION_VERSION": "1", "AWS_REGION": "us-east-1",
           "DISABLE_SIGNAL_HANDLERS": "true", "KAITEN_SECRETS_SOURCE": "environment",
           "KAITEN_AWS_DYNAMODB_ENDPOINT": "http://127.0.0.1:9", "KAITEN_AWS_SQS_ENDPOINT": "http://127.0.0.1:9"}
    for variable in ("CATALOG", "TOKENS", "USAGE", "AUDIT", "WEBHOOKS", "BUDGETS", "OUTBOX"):
        env[f"KAITEN_TABLE_{variable}"] = variable.title() + "Table"
    for variable in ("THRESHOLDS", "EVENTS", "DELIVERIES"):
        env[f"KAITEN_QUEUE_{variable}"] = f"http://127.0.0.1:9/000000000000/{variable.title()}Queue"
    if java_tool_options:
        env["JAVA_TOOL_OPTIONS"] = java_tool_options
    classpath = os.pathsep.join([str(task), str(task / "lib" / "*")] + runtime_classpath)
    command = ["java", "-XX:MaxRAM=1024m", f"-Dcom.amazonaws.services.lambda.runtime.api.client.runtimeapi.NativeClient.JNI={jni}",
               "-cp", classpath, "com.amazonaws.services.lambda.runtime.api.client.AWSLambda", HANDLER]
    started = time.monotonic()
    process = subprocess.Popen(command, env=env, stdout=LOG, stderr=subprocess.STDOUT)
    try:
        if not api.answered.wait(40):
            raise SystemExit("no answer within 120 s (COLD_START_LOG=file keeps the function's output)")
        elapsed = (api.answered_at - started) * 1000
        path, body = api.answer
        if not path.endswith("/response") or json.loads(body).get("statusCode") != 401:
            raise SystemExit(f"unexpected answer on {path}: {body[:300]!r}")
        return elapsed
    finally:
        process.kill()
        process.wait()
        api.shutdown()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--function", default="usage-api", choices=sorted(SAMPLES))
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--zip", help="the function.zip to run (default: functions/<function>/target/function.zip)")
    args = parser.parse_args()
    runtime = [str(M2 / jar) for jar in RUNTIME_JARS] + [str(next((M2 / "software/amazon/awssdk/utils-lite").glob("*/utils-lite-*.jar")))]
    event = json.loads((ROOT / "infra/events" / SAMPLES[args.function]).read_text())
    event["headers"].pop("authorization", None)
    with tempfile.TemporaryDirectory() as tmp:
        task = pathlib.Path(tmp) / "task"
        with zipfile.ZipFile(runtime[0]) as client:  # its JNI library, unpacked once
            jni = pathlib.Path(client.extract("jni/libaws-lambda-jni.linux-x86_64.so", tmp))
        with zipfile.ZipFile(args.zip or ROOT / "functions" / args.function / "target/function.zip") as zip_file:
            zip_file.extractall(task)
        one_run(task, runtime, jni, json.dumps(event), TIERED)  # warms the page cache, not counted
        results = {"default (C1+C2)": [], "TieredStopAtLevel=1": []}
        for _ in range(args.runs):  # interleaved, so a change in the machine's load hits both alike
            results["default (C1+C2)"].append(one_run(task, runtime, jni, json.dumps(event), None))
            results["TieredStopAtLevel=1"].append(one_run(task, runtime, jni, json.dumps(event), TIERED))
    print(f"{args.function}: process start to first response (401), {args.runs} runs each; load: {os.getloadavg()}")
    for name, times in results.items():
        print(f"  {name:22} median {statistics.median(times):6.0f} ms   min {min(times):6.0f}   max {max(times):6.0f}"
              f"   all {[round(t) for t in times]}")


if __name__ == "__main__":
    main()
