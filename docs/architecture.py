"""Draw docs/architecture.png, the picture of what site.yml builds (`make diagram`).

The diagram is code so that it changes with the estate in review: edit this
file, run `make diagram`, commit both.

    python docs/architecture.py [--output docs/architecture.png]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from diagrams import Cluster, Diagram, Edge
from diagrams.aws.compute import EC2, Lambda
from diagrams.aws.database import RDSMysqlInstance
from diagrams.aws.general import Users
from diagrams.aws.integration import SNS, SQS
from diagrams.aws.management import Cloudwatch, CloudwatchAlarm, SystemsManager
from diagrams.aws.network import ALB, Endpoint, InternetGateway
from diagrams.aws.security import KMS, IAMRole, SecretsManager
from diagrams.aws.storage import S3

DEFAULT_OUTPUT = Path(__file__).resolve().parent / "architecture.png"
GRAPH_ATTRS = {"fontsize": "20", "pad": "0.4", "splines": "spline", "nodesep": "0.7", "ranksep": "0.9"}


def draw(output: Path) -> Path:
    """Render the diagram to output (PNG); returns the written path."""
    with Diagram(
        "PhotoShare on AWS",
        filename=str(output.with_suffix("")),
        outformat="png",
        show=False,
        direction="LR",
        graph_attr=GRAPH_ATTRS,
    ):
        users = Users("users")

        with Cluster("photoshare-vpc (two AZs)"):
            igw = InternetGateway("IGW")
            with Cluster("public subnets"):
                alb = ALB("photoshare-alb\n80/443 from the world")
                web = EC2("photoshare-web\nDocker Compose: Quart app\nIMDSv2, SSM, no SSH")
            with Cluster("private subnets (no route to the internet)"):
                db = RDSMysqlInstance("photoshare-db\nencrypted, TLS only")
            s3_endpoint = Endpoint("S3 gateway endpoint")

        with Cluster("regional services"):
            bucket = S3("photoshare-assets-<suffix>\nprivate, SSE-KMS, versioned")
            processor = Lambda("photoshare-metadata-extractor\nmetadata + thumbnails")
            dead_letters = SQS("dead letters")
            secrets = SecretsManager("db credentials\nwebhook signing key")
            key = KMS("project CMK\n(rotation on)")
            roles = IAMRole("least-privilege roles")
            ssm = SystemsManager("Session Manager")

        with Cluster("monitoring"):
            dashboard = Cloudwatch("PhotoShare-Monitor")
            alarms = CloudwatchAlarm("alarms: Lambda errors, CPU,\n5xx, unhealthy hosts, RDS")
            topic = SNS("alarm e-mail")

        users >> Edge(label="HTTP(S)") >> igw >> alb
        alb >> Edge(label="8080, /readyz") >> web
        web >> Edge(label="3306 from web SG only") >> db
        web >> Edge(label="multipart upload, presigned GETs") >> s3_endpoint >> bucket
        web >> Edge(style="dashed", label="credentials") >> secrets
        bucket >> Edge(label="ObjectCreated originals/") >> processor
        processor >> Edge(label="thumbnails/") >> bucket
        processor >> Edge(label="signed POST /api/webhook") >> alb
        processor >> Edge(style="dashed") >> dead_letters
        processor >> Edge(style="dashed", label="signing key") >> secrets
        secrets >> Edge(style="dotted") >> key
        bucket >> Edge(style="dotted") >> key
        db >> Edge(style="dotted") >> key
        roles >> Edge(style="dotted") >> web
        ssm >> Edge(style="dotted") >> web
        [web, processor, alb, db] >> Edge(style="dotted") >> dashboard
        dashboard >> alarms >> topic
    return output


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    args = parser.parse_args(argv)
    print(f"wrote {draw(args.output.resolve())}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
