// Reads the request body (as ingest must) and answers 202 with a receipt-sized JSON, nothing more.
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
app.MapGet("/health/ready", () => "ok");
app.Run();
