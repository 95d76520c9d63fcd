using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using FuncTasks.Core.Idempotency;
using FuncTasks.IntegrationTests.Infrastructure;
using FuncTasks.Storage;
using Microsoft.Extensions.Options;

namespace FuncTasks.IntegrationTests.Reliability;

/// <summary>
/// A write that lands but whose answer is lost (the connection breaks after the request reached storage) is retried
/// by the SDK; the retry meets the row it wrote itself. The idempotency store must recognise its own row.
/// </summary>
public sealed class LostAnswerTests
{
    [Fact]
    public async Task A_claim_whose_answer_was_lost_is_still_this_requests_own()
    {
        var (store, lose) = await StoreAsync();
        var proposed = Guid.NewGuid();

        var claim = await store.ClaimAsync(new IdempotencyRequest("caller POST /v1/tasks", "k1", "fp"), proposed, DateTimeOffset.UtcNow, TimeSpan.FromHours(24), CancellationToken.None);

        Assert.Equal(1, lose.Dropped);
        Assert.Equal(proposed, claim.TaskId);
        Assert.True(claim.IsNew);
    }

    [Fact]
    public async Task Someone_elses_claim_is_not_taken_for_ours()
    {
        var (store, _) = await StoreAsync(drop: false);
        var request = new IdempotencyRequest("caller POST /v1/tasks", "k2", "fp");
        var first = await store.ClaimAsync(request, Guid.NewGuid(), DateTimeOffset.UtcNow, TimeSpan.FromHours(24), CancellationToken.None);

        var second = await store.ClaimAsync(request, Guid.NewGuid(), DateTimeOffset.UtcNow, TimeSpan.FromHours(24), CancellationToken.None);

        Assert.True(first.IsNew);
        Assert.False(second.IsNew);
        Assert.Equal(first.TaskId, second.TaskId);
    }

    private static async Task<(TableIdempotencyStore Store, LoseFirstAnswer Lose)> StoreAsync(bool drop = true)
    {
        var lose = new LoseFirstAnswer { Enabled = drop };
        var options = new TableClientOptions();
        options.Retry.Delay = TimeSpan.FromMilliseconds(10);
        options.AddPolicy(lose, HttpPipelinePosition.PerRetry);
        var service = new TableServiceClient(Azurite.ConnectionString, options);
        var storage = new StorageOptions { TablePrefix = "lost" + Guid.NewGuid().ToString("N")[..8] };
        await service.CreateTableIfNotExistsAsync(storage.IdempotencyTable);
        return (new TableIdempotencyStore(service, Options.Create(storage)), lose);
    }

    /// <summary>Lets the first POST reach storage, then breaks the connection before its answer is read.</summary>
    private sealed class LoseFirstAnswer : HttpPipelinePolicy
    {
        private int _dropped;

        public bool Enabled { get; init; } = true;

        public int Dropped => _dropped;

        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
            throw new NotSupportedException("The store is used asynchronously.");

        public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            await ProcessNextAsync(message, pipeline);
            if (Enabled && message.Request.Method == RequestMethod.Post && Interlocked.Exchange(ref _dropped, 1) == 0)
            {
                throw new IOException("The connection broke after the request landed (simulated).");
            }
        }
    }
}
