// The ceilings: POST reads the request body (as ingest must) and answers 202 with a receipt-sized
// JSON; GET /api/v1/results answers a fixed JSON the size and shape of the local election's national
// results (open until 2030, so without candidate counts). Nothing more.
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
var app = builder.Build();
var receipt = """{"receipt":"0000000000000000000000000000000000000000000000000000000000000000","electionId":"bench","status":"accepted","acceptedAt":"2028-11-07T20:00:00+00:00"}"""u8.ToArray();
app.MapPost("/api/v1/vote", async (HttpContext context) =>
{
    var buffer = new byte[1024];
    while (await context.Request.Body.ReadAsync(buffer) > 0)
    {
    }

    context.Response.StatusCode = StatusCodes.Status202Accepted;
    context.Response.ContentType = "application/json";
    await context.Response.Body.WriteAsync(receipt);
});
var results = """{"electionId":"us-2028-sim","asOf":"2028-11-07T20:00:00+00:00","results":{"area":"US","totalBallots":1234567,"registeredVoters":null,"turnout":null,"candidates":[]},"candidatesWithheldUntil":"2030-01-01T00:00:00+00:00"}"""u8.ToArray();
app.MapGet("/api/v1/results", async (HttpContext context) =>
{
    context.Response.ContentType = "application/json";
    context.Response.Headers.CacheControl = "public, max-age=1";
    context.Response.Headers.ETag = "\"0123456789abcdef\"";
    await context.Response.Body.WriteAsync(results);
});
app.MapGet("/health/ready", () => "ok");
app.Run();
