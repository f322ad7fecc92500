// The ceilings: POST reads the request body (as ingest must) and answers 202 with a receipt-sized
// JSON; GET /api/v1/results answers a fixed results-sized JSON. Nothing more.
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
var results = """{"electionId":"us-2028-sim","asOf":"2028-11-07T20:00:00+00:00","results":{"area":"US","totalBallots":1234567,"registeredVoters":null,"turnout":null,"candidates":[{"candidate":"harper","votes":456789,"share":0.37},{"candidate":"morgan","votes":432100,"share":0.35},{"candidate":"reyes","votes":345678,"share":0.28}]}}"""u8.ToArray();
app.MapGet("/api/v1/results", async (HttpContext context) =>
{
    context.Response.ContentType = "application/json";
    context.Response.Headers.CacheControl = "public, max-age=1";
    context.Response.Headers.ETag = "\"0123456789abcdef\"";
    await context.Response.Body.WriteAsync(results);
});
app.MapGet("/health/ready", () => "ok");
app.Run();
