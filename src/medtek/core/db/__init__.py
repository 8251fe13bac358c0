"""Beyond one machine: read replicas with read-your-writes, and what a load balancer and Prometheus ask.

`routing` decides where a read goes, `routers.ReplicaRouter` is the Django database router that asks it,
`middleware.DatabaseRoutingMiddleware` gives each request its routing state and remembers a client's
writes, `metrics` holds the Prometheus metrics and `views` serves /healthz, /readyz and /metrics.
"""
