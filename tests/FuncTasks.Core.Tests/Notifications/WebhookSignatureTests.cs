using System.Text;
using FuncTasks.Core.Notifications;

namespace FuncTasks.Core.Tests.Notifications;

public sealed class WebhookSignatureTests
{
    // The Standard Webhooks specification's own example (secret, id, timestamp, payload and the signature it expects).
    private const string SpecSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private const string SpecId = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    private const long SpecTimestamp = 1614265330;
    private const string SpecBody = "{\"test\": 2432232314}";
    private const string SpecSignature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    [Fact]
    public void Signs_the_Standard_Webhooks_example_as_the_specification_does()
    {
        Assert.Equal(SpecSignature, WebhookSignature.Sign(SpecSecret, SpecId, SpecTimestamp, Encoding.UTF8.GetBytes(SpecBody)));
        Assert.True(WebhookSignature.Verify(SpecSecret, SpecId, SpecTimestamp, Encoding.UTF8.GetBytes(SpecBody), "v1,bogus " + SpecSignature));
    }

    [Fact]
    public void A_changed_body_id_timestamp_or_secret_does_not_verify()
    {
        var body = Encoding.UTF8.GetBytes(SpecBody);
        Assert.False(WebhookSignature.Verify(SpecSecret, SpecId, SpecTimestamp, Encoding.UTF8.GetBytes("{\"test\": 1}"), SpecSignature));
        Assert.False(WebhookSignature.Verify(SpecSecret, "msg_other", SpecTimestamp, body, SpecSignature));
        Assert.False(WebhookSignature.Verify(SpecSecret, SpecId, SpecTimestamp + 1, body, SpecSignature));
        Assert.False(WebhookSignature.Verify(WebhookSignature.NewSecret(), SpecId, SpecTimestamp, body, SpecSignature));
    }

    [Fact]
    public void New_secrets_are_whsec_and_32_random_bytes()
    {
        var a = WebhookSignature.NewSecret();
        Assert.StartsWith("whsec_", a, StringComparison.Ordinal);
        Assert.Equal(32, WebhookSignature.KeyOf(a).Length);
        Assert.NotEqual(a, WebhookSignature.NewSecret());
    }
}
