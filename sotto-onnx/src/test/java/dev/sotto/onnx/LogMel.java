package dev.sotto.onnx;

/** Log-mel spectral distance between two equally long signals: mean |log10 mel(a) - log10 mel(b)| over frames and bands. */
final class LogMel {
    static final int FFT = 1024;
    static final int HOP = 256;
    static final int BANDS = 80;

    private LogMel() {
    }

    static double distance(float[] a, float[] b, int sampleRate) {
        double[][] filters = melFilters(sampleRate);
        double total = 0;
        int frames = 0;
        double[] re = new double[FFT];
        double[] im = new double[FFT];
        for (int start = 0; start + FFT <= Math.min(a.length, b.length); start += HOP) {
            double[] ma = mel(a, start, filters, re, im);
            double[] mb = mel(b, start, filters, re, im);
            for (int m = 0; m < BANDS; m++) {
                total += Math.abs(Math.log10(ma[m] + 1e-5) - Math.log10(mb[m] + 1e-5));
            }
            frames++;
        }
        return frames == 0 ? 0 : total / frames / BANDS;
    }

    private static double[] mel(float[] x, int start, double[][] filters, double[] re, double[] im) {
        for (int i = 0; i < FFT; i++) {
            double window = 0.5 - 0.5 * Math.cos(2 * Math.PI * i / FFT);
            re[i] = x[start + i] * window;
            im[i] = 0;
        }
        fft(re, im);
        double[] out = new double[BANDS];
        for (int m = 0; m < BANDS; m++) {
            double s = 0;
            for (int f = 0; f <= FFT / 2; f++) {
                s += filters[m][f] * (re[f] * re[f] + im[f] * im[f]);
            }
            out[m] = s;
        }
        return out;
    }

    /** In-place iterative radix-2 FFT. */
    static void fft(double[] re, double[] im) {
        int n = re.length;
        for (int i = 1, j = 0; i < n; i++) {
            int bit = n >> 1;
            for (; (j & bit) != 0; bit >>= 1) {
                j ^= bit;
            }
            j ^= bit;
            if (i < j) {
                double t = re[i];
                re[i] = re[j];
                re[j] = t;
                t = im[i];
                im[i] = im[j];
                im[j] = t;
            }
        }
        for (int len = 2; len <= n; len <<= 1) {
            double ang = -2 * Math.PI / len;
            for (int i = 0; i < n; i += len) {
                for (int k = 0; k < len / 2; k++) {
                    double wr = Math.cos(ang * k);
                    double wi = Math.sin(ang * k);
                    int p = i + k;
                    int q = p + len / 2;
                    double xr = re[q] * wr - im[q] * wi;
                    double xi = re[q] * wi + im[q] * wr;
                    re[q] = re[p] - xr;
                    im[q] = im[p] - xi;
                    re[p] += xr;
                    im[p] += xi;
                }
            }
        }
    }

    /** Triangular filters evenly spaced on the mel scale from 0 to half the sample rate. */
    private static double[][] melFilters(int rate) {
        double maxMel = 2595 * Math.log10(1 + rate / 2.0 / 700);
        double[] edges = new double[BANDS + 2];
        for (int i = 0; i < edges.length; i++) {
            double mel = maxMel * i / (BANDS + 1);
            edges[i] = 700 * (Math.pow(10, mel / 2595) - 1) * FFT / rate; // in FFT bins
        }
        double[][] f = new double[BANDS][FFT / 2 + 1];
        for (int m = 0; m < BANDS; m++) {
            for (int bin = 0; bin <= FFT / 2; bin++) {
                double up = (bin - edges[m]) / (edges[m + 1] - edges[m]);
                double down = (edges[m + 2] - bin) / (edges[m + 2] - edges[m + 1]);
                f[m][bin] = Math.max(0, Math.min(up, down));
            }
        }
        return f;
    }
}
